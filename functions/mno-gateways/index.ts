import type { MnoRegistration } from '../../domain/mno/events.ts';
import { asyncJobsGateway } from './async-jobs.ts';
import { credentialStoreFromEnv, type CredentialStore } from './credentials.ts';
import type { MnoGateway } from './gateway.ts';
import { legacyRateLimitedGateway } from './legacy-ratelimited.ts';
import { restOauth2Gateway } from './rest-oauth2.ts';
import { SECRET_CACHE_SECONDS } from '../secrets-manager.ts';

const ADAPTERS = {
  'rest-oauth2': restOauth2Gateway,
  'async-jobs': asyncJobsGateway,
  'legacy-ratelimited': legacyRateLimitedGateway,
} as const;

let store: CredentialStore | undefined;

/**
 * How long a gateway (and the credentials it was made with) is kept: an operator may rotate an
 * MNO's credentials in place, and a warm function picks the new ones up within this long.
 */
export const GATEWAY_TTL_MS = SECRET_CACHE_SECONDS * 1000;

/** Gateways are kept per MNO API (endpoint and credentials reference), so tokens are reused across invocations. */
const gateways = new Map<string, { gateway: MnoGateway; until: number }>();

/** The gateway to one MNO's CMP, by its registered API style, endpoint and credentials reference. */
export const gatewayFor = async (registration: MnoRegistration, now = Date.now()): Promise<MnoGateway> => {
  const { style, endpoint, credentialsRef } = registration.api;
  const key = `${registration.id} ${style} ${endpoint} ${credentialsRef}`;
  const kept = gateways.get(key);
  if (kept && kept.until > now) return kept.gateway;
  const credentials = await (store ??= credentialStoreFromEnv()).get(credentialsRef);
  const gateway = ADAPTERS[style](registration.id, endpoint.replace(/\/$/, ''), credentials);
  gateways.set(key, { gateway, until: now + GATEWAY_TTL_MS });
  return gateway;
};
