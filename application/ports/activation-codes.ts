/**
 * Where ordered profiles' activation codes are kept (adapters/secrets/activation-codes.ts): a
 * secret per profile, never in an event, a log line, an error or a response but the device's own.
 */
export interface ActivationCodes {
  put(tenant: string, eid: string, iccid: string, code: string): Promise<void>;
  get(tenant: string, eid: string, iccid: string): Promise<string | undefined>;
  remove(tenant: string, eid: string, iccid: string): Promise<void>;
}
