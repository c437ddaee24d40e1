import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { TenantId } from '../../../domain/identifiers/index.ts';
import { problem } from '../problem.ts';
import type { Route } from '../../../manifest/routes.ts';

/** The verified caller, from the claims API Gateway's JWT authorizer has already checked. */
export interface Caller {
  subject: string;
  /** Present on tenant routes: the tenant the token was issued for, the only tenant it can act on. */
  tenant: string;
  scopes: ReadonlySet<string>;
}

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer & { caller: Caller };

const scopesOf = (claims: Record<string, unknown>, listed: readonly string[] | undefined) => {
  const fromClaim = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  return new Set([...fromClaim, ...(listed ?? [])].filter(Boolean));
};

/** Scopes that act across tenants: honoured only on a token that names no tenant. */
const isPlatformScope = (scope: string) => scope.startsWith('platform:');

/**
 * Zero trust inside the function too: the route's scopes and the tenant claim are checked again
 * here, so a handler wired behind a misconfigured route still refuses. A token with a `tenant`
 * claim acts for that tenant only: platform scopes (`platform:*`) on it are not honoured (a
 * platform route refuses it, 403 `platform-scope-on-tenant-token`; elsewhere it acts with its
 * other scopes), and a token without one is refused on tenant routes (403 `no-tenant`).
 */
export const caller = (route: Route): MiddlewareObj<HttpEvent> => ({
  before: (request) => {
    const jwt = request.event.requestContext?.authorizer?.jwt;
    if (!jwt?.claims?.sub)
      throw problem(401, 'unauthenticated', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    const claims = jwt.claims as Record<string, unknown>;
    const claimed = scopesOf(claims, jwt.scopes ?? undefined);
    const tenantToken = claims.tenant !== undefined && claims.tenant !== null;
    const scopes = tenantToken ? new Set([...claimed].filter((s) => !isPlatformScope(s))) : claimed;
    if (route.scopes.length > 0 && !route.scopes.some((s) => scopes.has(s)) && route.scopes.some((s) => claimed.has(s)))
      throw problem(403, 'platform-scope-on-tenant-token', 'platform scopes are honoured only on a token that names no tenant');
    if (route.scopes.length > 0 && !route.scopes.some((s) => scopes.has(s)))
      throw problem(403, 'insufficient-scope', `this operation needs the scope ${route.scopes.join(' or ')}`, undefined, {
        'www-authenticate': `Bearer error="insufficient_scope", scope="${route.scopes.join(' ')}"`,
      });
    const tenant = typeof claims.tenant === 'string' ? claims.tenant : '';
    if (route.tenant && !TenantId.safeParse(tenant).success)
      throw problem(403, 'no-tenant', 'the token names no valid tenant');
    request.event.caller = { subject: String(claims.sub), tenant, scopes };
  },
});
