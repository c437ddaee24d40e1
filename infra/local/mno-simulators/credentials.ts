import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random secret (URL-safe), generated at start and held only in memory. */
export const randomSecret = (bytes = 24) => randomBytes(bytes).toString('base64url');

/** Compares secrets in constant time (hashing first, so lengths don't leak either). */
export const sameSecret = (given: string | undefined, expected: string) =>
  given !== undefined &&
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/** The user and password of an `Authorization: Basic ...` header, if it is one. */
export const basicAuth = (header: string | undefined): { user: string; password: string } | undefined => {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};
