import { credentialStoreFor } from '../../adapters/mno-gateways/credentials.ts';
import { es2plusClient } from '../../adapters/smdp/es2plus.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { env } from './wiring.ts';

const credentials = credentialStoreFor(env);

/** The MNO's ES2+ key, from its credentials (the reference in its registration), for calling its SM-DP+; never logged. */
export const es2plusKeyOf = async (registration: MnoRegistration) => {
  const key = (await credentials.get(registration.api.credentialsRef)).es2plusKey;
  if (!key) throw new Error(`the credentials of ${registration.id} hold no ES2+ key`);
  return key;
};

/** The ES2+ client of an MNO's SM-DP+: its endpoint from the registration, its key from the credentials. */
export const smdpOf = async (registration: MnoRegistration) => {
  if (!registration.api.smdpEndpoint) throw new Error(`${registration.id} has no SM-DP+ registered`);
  return es2plusClient(registration.api.smdpEndpoint, await es2plusKeyOf(registration));
};

