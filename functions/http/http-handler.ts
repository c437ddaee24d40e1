import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { adapters, config, dynamodb } from '../lambda/wiring.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { tracer } from '../../adapters/observability/tracer.ts';
import { activeTenant } from './middleware/active-tenant.ts';
import { caller, type HttpEvent } from './middleware/caller.ts';
import { idempotency } from './middleware/idempotency.ts';
import { jsonBody } from './middleware/json-body.ts';
import { problemResponse, toProblem } from './problem.ts';
import { routeFor, type RouteKey } from '../../manifest/routes.ts';

export type HttpRequest = HttpEvent & { json?: unknown };
export type HttpResult = APIGatewayProxyStructuredResultV2;

/**
 * A Lambda handler for one route of the route table (API Gateway v2 events: header names
 * arrive lower-cased): the caller is authenticated and
 * authorized, the body parsed, the tenant checked, POSTs made idempotent, and every failure
 * answered as application/problem+json — never a stack trace.
 */
export const httpHandler = (key: RouteKey, fn: (request: HttpRequest) => Promise<HttpResult>) => {
  const route = routeFor(key);
  // No early-timeout race per request: API Gateway ends the request at its own 29 s limit anyway.
  const handler = middy<HttpRequest, HttpResult, Error, Context>(fn, { timeoutEarlyInMillis: 0 })
    // The invocation's segment, annotated with cold starts; responses are not captured (they may hold a secret shown once).
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
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
    })
    .use(caller(route));
  if (route.method === 'POST' || route.method === 'PUT') handler.use(jsonBody());
  if (route.tenant) handler.use(activeTenant(() => adapters.eventStore, config.tenantStatusTtlMs));
  // The manifest says which routes keep idempotency records (and so are granted the table).
  if (route.access.idempotency) handler.use(idempotency(dynamodb, config.idempotencyTable, key));
  return handler;
};
