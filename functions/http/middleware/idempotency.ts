import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import { problem } from '../problem.ts';
import type { HttpEvent } from './caller.ts';

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Powertools idempotency keyed by the `Idempotency-Key` header, scoped to the caller's tenant
 * (two tenants may pick the same key) and to the route (the key prefix). A repeat returns the
 * stored first response; the same key with another body fails validation (→ 422). Requests
 * without the header are not made idempotent.
 */
export const idempotency = (client: DynamoDBClient, tableName: string, routeKey: string): MiddlewareObj<HttpEvent> => {
  const powertools = makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
    keyPrefix: routeKey,
    config: new IdempotencyConfig({
      eventKeyJmesPath: `headers."idempotency-key" && join(' ', [caller.tenant || '-', rawPath, headers."idempotency-key"])`,
      payloadValidationJmesPath: 'json',
      expiresAfterSeconds: 24 * 3600,
      throwOnNoIdempotencyKey: false,
    }),
  });
  // Without the header there is nothing to remember: skip Powertools' per-request set-up entirely.
  const keyed = (request: Request<HttpEvent>) => request.event.headers['idempotency-key'] !== undefined;
  return {
    before: (request) => {
      if (!keyed(request)) return;
      if (!VALID_KEY.test(request.event.headers['idempotency-key']!))
        throw problem(400, 'invalid-idempotency-key', 'Idempotency-Key must be 1–255 visible ASCII characters');
      return powertools.before!(request as never);
    },
    after: (request) => (keyed(request) ? powertools.after!(request as never) : undefined),
    onError: (request) => (keyed(request) ? powertools.onError!(request as never) : undefined),
  };
};
