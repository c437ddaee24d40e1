import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../../domain/zod-mini.ts';
import { adapters, config } from '../lambda/wiring.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { activeTenant } from './middleware/active-tenant.ts';
import { caller, type HttpEvent } from './middleware/caller.ts';
import { jsonBody } from './middleware/json-body.ts';
import { problemResponse, toProblem } from './problem.ts';
import { query, type QuerySchema } from './query.ts';
import { routeFor, type IdempotentRouteKey, type RouteKey } from '../../manifest/routes.ts';

/** The request a route's function gets: the caller, the parsed JSON body, and the query as its schema read it. */
export type HttpRequest<Q = unknown> = HttpEvent & { json?: unknown; query: Q };
export type HttpResult = APIGatewayProxyStructuredResultV2;

/**
 * A Lambda handler for one route of the route table (API Gateway v2 events: header names
 * arrive lower-cased): the caller is authenticated and
 * authorized, the body parsed, the tenant checked, the query read by `querySchema` (a route
 * without one takes no query parameter; a repeated or unknown one is a 400), and every failure
 * answered as application/problem+json — never a stack trace. The routes that take an
 * Idempotency-Key are made with `idempotentHandler` (idempotent-handler.ts) instead, so that the
 * others neither bundle nor load Powertools idempotency.
 */
export const httpHandler = <S extends QuerySchema = z.ZodMiniObject<{}>>(
  key: Exclude<RouteKey, IdempotentRouteKey>,
  fn: (request: HttpRequest<z.output<S>>) => Promise<HttpResult>,
  querySchema?: S,
) => routeHandler(key, fn, querySchema);

/** What httpHandler and idempotentHandler share; `idempotency` is the middleware a route whose access keeps idempotency records must be given. */
export const routeHandler = <S extends QuerySchema = z.ZodMiniObject<{}>>(
  key: RouteKey,
  fn: (request: HttpRequest<z.output<S>>) => Promise<HttpResult>,
  querySchema?: S,
  idempotency?: MiddlewareObj<HttpEvent>,
) => {
  const route = routeFor(key);
  // The types keep each route to its maker; this keeps a cast from losing a route its idempotency.
  if (Boolean(route.access.idempotency) !== (idempotency !== undefined))
    throw new Error(`${key}: ${route.access.idempotency ? 'takes an Idempotency-Key, make it with idempotentHandler' : 'keeps no idempotency records, make it with httpHandler'}`);
  // No early-timeout race per request: API Gateway ends the request at its own 29 s limit anyway.
  const handler = middy<HttpRequest<z.output<S>>, HttpResult, Error, Context>(fn, { timeoutEarlyInMillis: 0 })
    .use({
      onError: (request) => {
        const p = toProblem(request.error);
        if (p.status >= 500)
          logger.error('request failed', {
            route: key,
            tenant: request.event?.caller?.tenant,
            requestId: request.event?.requestContext?.requestId,
            correlationId: request.event?.headers?.['x-correlation-id'],
            error: request.error as Error,
          });
        request.response = problemResponse(p, request.event?.rawPath);
      },
    });
  // A public route has no token: the device routes prove who calls by what their body carries, signed.
  if (!route.public) handler.use(caller(route));
  if (route.method === 'POST' || route.method === 'PUT') handler.use(jsonBody(route.maxBodyBytes));
  if (route.tenant) handler.use(activeTenant(() => adapters.eventStore, config.tenantStatusTtlMs));
  handler.use(query(querySchema));
  // The manifest says which routes keep idempotency records (and so are granted the table).
  if (idempotency) handler.use(idempotency);
  return handler;
};
