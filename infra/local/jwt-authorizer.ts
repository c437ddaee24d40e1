import { createLocalJWKSet, errors, jwtVerify, type JWK } from 'jose';
import { keepBounded } from '../../application/bounded.ts';

export type Authorization =
  | { ok: true; claims: Record<string, string>; scopes: string[] }
  | { ok: false; status: 401 | 403; reason: string };

/** How far ahead of this clock a token's `iat` may be (the issuer's clock may run a little fast). */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * What API Gateway's JWT authorizer does before a handler runs: a Bearer token, signed by a key
 * of the issuer with an allowed algorithm, from the right issuer, for the right audience, not
 * expired (nor used before `nbf`), not issued in the future (`iat`, within CLOCK_SKEW_SECONDS),
 * and holding one of the route's scopes. Claims reach the handler as strings, as API Gateway
 * passes them.
 *
 * jose's jwtVerify checks the signature, `alg`, `iss`, `aud`, `exp` and `nbf`, and that `iat` is a
 * number; it compares `iat` with the clock only when given `maxTokenAge` (which would also require
 * `iat`, and would stretch `exp` and `nbf` by its tolerance), so the future `iat` is checked here.
 *
 * A token whose signature and claims were verified is kept (by its exact text, at most
 * `VERIFIED_KEPT`, until it expires): the same token again is not verified again (an ECDSA verify
 * is about 180 µs of CPU a request), but its times and the route's scopes are checked each time.
 */
export const VERIFIED_KEPT = 1_000;

interface Verified {
  claims: Record<string, string>;
  scopes: string[];
  exp: number;
  nbf?: number | undefined;
  iat?: number | undefined;
}

export const jwtAuthorizer = (config: { issuer: string; audience: string; jwks: { keys: JWK[] } }) => {
  const keys = createLocalJWKSet(config.jwks);
  const verified = new Map<string, Verified>();
  const verify = async (token: string): Promise<Verified> => {
    const kept = verified.get(token);
    if (kept) return kept;
    const { payload } = await jwtVerify(token, keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ['ES256', 'RS256'],
      requiredClaims: ['exp', 'sub'],
    });
    const claims = Object.fromEntries(
      Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
    );
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const entry = { claims, scopes, exp: payload.exp!, nbf: payload.nbf, iat: payload.iat };
    keepBounded(verified, token, entry, VERIFIED_KEPT);
    return entry;
  };
  return async (authorization: string | undefined, routeScopes: readonly string[]): Promise<Authorization> => {
    if (!authorization?.trim()) return { ok: false, status: 401, reason: 'a bearer token is required' };
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(authorization);
    if (!match) return { ok: false, status: 401, reason: 'the Authorization header is not a bearer JWT (Bearer <header>.<payload>.<signature>)' };
    try {
      const { claims, scopes, exp, nbf, iat } = await verify(match[1]!);
      const now = Math.floor(Date.now() / 1000);
      // As jose checks them (no tolerance), each time: a kept token expires as any other.
      if (exp <= now) {
        verified.delete(match[1]!);
        return { ok: false, status: 401, reason: 'the token has expired' };
      }
      if (nbf !== undefined && nbf > now) return { ok: false, status: 401, reason: 'the token is not valid' };
      if (typeof iat === 'number' && iat > now + CLOCK_SKEW_SECONDS) return { ok: false, status: 401, reason: 'the token was issued in the future (iat)' };
      if (routeScopes.length > 0 && !routeScopes.some((s) => scopes.includes(s)))
        return { ok: false, status: 403, reason: `this operation needs the scope ${routeScopes.join(' or ')}` };
      return { ok: true, claims, scopes };
    } catch (error) {
      const reason = error instanceof errors.JWTExpired ? 'the token has expired' : 'the token is not valid';
      return { ok: false, status: 401, reason };
    }
  };
};
