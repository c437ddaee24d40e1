import { createLocalJWKSet, errors, jwtVerify, type JWK } from 'jose';

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
 */
export const jwtAuthorizer = (config: { issuer: string; audience: string; jwks: { keys: JWK[] } }) => {
  const keys = createLocalJWKSet(config.jwks);
  return async (authorization: string | undefined, routeScopes: readonly string[]): Promise<Authorization> => {
    if (!authorization?.trim()) return { ok: false, status: 401, reason: 'a bearer token is required' };
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(authorization);
    if (!match) return { ok: false, status: 401, reason: 'the Authorization header is not a bearer JWT (Bearer <header>.<payload>.<signature>)' };
    try {
      const { payload } = await jwtVerify(match[1]!, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['ES256', 'RS256'],
        requiredClaims: ['exp', 'sub'],
      });
      if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000) + CLOCK_SKEW_SECONDS)
        return { ok: false, status: 401, reason: 'the token was issued in the future (iat)' };
      const claims = Object.fromEntries(
        Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
      );
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      if (routeScopes.length > 0 && !routeScopes.some((s) => scopes.includes(s)))
        return { ok: false, status: 403, reason: `this operation needs the scope ${routeScopes.join(' or ')}` };
      return { ok: true, claims, scopes };
    } catch (error) {
      const reason = error instanceof errors.JWTExpired ? 'the token has expired' : 'the token is not valid';
      return { ok: false, status: 401, reason };
    }
  };
};
