import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks specification defines them (standardwebhooks.com),
 * so integrators can verify with any of its libraries:
 * - secret: `whsec_` + base64 of 32 random bytes; the HMAC key is the decoded bytes;
 * - `webhook-id`: the domain event's id (the same on every retry: receivers de-duplicate by it);
 * - `webhook-timestamp`: when this attempt was made, unix seconds;
 * - `webhook-signature`: `v1,` + base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`), possibly
 *   several space-separated (e.g. during a secret rotation).
 * The body is sent exactly as signed (the EventBridge event as JSON); receivers must verify the
 * raw body, before parsing it.
 */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: shown to the tenant once, kept only in the secret store. */
export const newSigningSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64');

const keyOf = (secret: string) => Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');

/** `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${body}`. */
export const signature = (secret: string, id: string, timestamp: number, body: string) =>
  'v1,' + createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');

/** The three headers of one delivery attempt. */
export const signedHeaders = (secret: string, id: string, body: string, now = new Date()) => {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(secret, id, timestamp, body) };
};

/** Headers as node:http gives them (IncomingHttpHeaders), as fetch does (Headers), or a plain map. */
export type ReceivedHeaders = Headers | Record<string, string | string[] | undefined>;

const header = (headers: ReceivedHeaders, name: string): string | undefined => {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found.join(' ') : found;
};

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way (replay protection). Default 300 s. */
  toleranceSeconds?: number;
  now?: Date;
}

/**
 * For receivers: whether a delivery is authentic — its three headers present, the timestamp
 * within the tolerance, and one of its `v1` signatures the HMAC of the raw body under `secret`
 * (compared in constant time). Then de-duplicate by `webhook-id`.
 */
export const verifySignature = (secret: string, headers: ReceivedHeaders, body: string | Buffer, options: VerifyOptions = {}): boolean => {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signature(secret, id, Number(timestamp), body.toString()).slice(3));
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    const given = Buffer.from(value ?? '');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
};
