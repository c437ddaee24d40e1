import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Powertools idempotency keyed by the `Idempotency-Key` header, scoped to the caller's tenant
 * (two tenants may pick the same key) and to the route (the key prefix). A repeat returns the
 * stored first response; the same key with another body fails validation (→ 422). Requests
 * without the header are not made idempotent.
 */
export const idempotency = (client: DynamoDBClient, tableName: string, routeKey: string) =>
  makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
    keyPrefix: routeKey,
    config: new IdempotencyConfig({
      eventKeyJmesPath: `headers."idempotency-key" && join(' ', [caller.tenant || '-', rawPath, headers."idempotency-key"])`,
      payloadValidationJmesPath: 'json',
      expiresAfterSeconds: 24 * 3600,
      throwOnNoIdempotencyKey: false,
    }),
  });
