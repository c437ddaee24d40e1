import type { MnoAccess } from '../../domain/mno/events.ts';
import { asyncJobsGateway } from './async-jobs.ts';
import type { CredentialStore } from './credentials.ts';
import type { MnoGateway } from '../../application/ports/mno-gateway.ts';
import { legacyRateLimitedGateway } from './legacy-ratelimited.ts';
import { restOauth2Gateway } from './rest-oauth2.ts';
import { SECRET_CACHE_SECONDS } from '../secrets/secrets-manager.ts';

const ADAPTERS = {
  'rest-oauth2': restOauth2Gateway,
  'async-jobs': asyncJobsGateway,
  'legacy-ratelimited': legacyRateLimitedGateway,
} as const;

/**
 * How long a gateway (and the credentials it was made with) is kept: an operator may rotate an
 * MNO's credentials in place, and a warm function picks the new ones up within this long.
 */
export const GATEWAY_TTL_MS = SECRET_CACHE_SECONDS * 1000;

/** The gateway to one MNO's CMP, by its registered API style, endpoint and credentials reference. */
export type GatewayFor = (registration: MnoAccess, now?: number) => Promise<MnoGateway>;

/**
 * Gateways to the MNOs' CMPs, with credentials from `store`. Kept per MNO API (endpoint and
 * credentials reference), so tokens are reused across invocations, for GATEWAY_TTL_MS.
 */
export const mnoGateways = (store: CredentialStore): GatewayFor => {
  const gateways = new Map<string, { gateway: MnoGateway; until: number }>();
  return async (registration, now = Date.now()) => {
    const { style, endpoint, credentialsRef } = registration.api;
    const key = `${registration.id} ${style} ${endpoint} ${credentialsRef}`;
    const kept = gateways.get(key);
    if (kept && kept.until > now) return kept.gateway;
    const credentials = await store.get(credentialsRef);
    const gateway = ADAPTERS[style](registration.id, endpoint.replace(/\/$/, ''), credentials);
    gateways.set(key, { gateway, until: now + GATEWAY_TTL_MS });
    return gateway;
  };
};
