import type { MnoRegistration } from '../../domain/mno/events.ts';
import { asyncJobsGateway } from './async-jobs.ts';
import { credentialStoreFromEnv, type CredentialStore } from './credentials.ts';
import type { MnoGateway } from './gateway.ts';
import { legacyRateLimitedGateway } from './legacy-ratelimited.ts';
import { restOauth2Gateway } from './rest-oauth2.ts';

const ADAPTERS = {
  'rest-oauth2': restOauth2Gateway,
  'async-jobs': asyncJobsGateway,
  'legacy-ratelimited': legacyRateLimitedGateway,
} as const;

let store: CredentialStore | undefined;
/** Gateways are kept per MNO API (endpoint and credentials reference), so tokens are reused across invocations. */
const gateways = new Map<string, MnoGateway>();

/** The gateway to one MNO's CMP, by its registered API style, endpoint and credentials reference. */
export const gatewayFor = async (registration: MnoRegistration): Promise<MnoGateway> => {
  const { style, endpoint, credentialsRef } = registration.api;
  const key = `${registration.id} ${style} ${endpoint} ${credentialsRef}`;
  let gateway = gateways.get(key);
  if (!gateway) {
    const credentials = await (store ??= credentialStoreFromEnv()).get(credentialsRef);
    gateway = ADAPTERS[style](registration.id, endpoint.replace(/\/$/, ''), credentials);
    gateways.set(key, gateway);
  }
  return gateway;
};
