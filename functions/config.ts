import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from './event-store/dynamodb-event-store.ts';
import { TABLES, tableName } from './tables.ts';
import { traced } from './tracer.ts';

/**
 * What a handler needs from where it runs, read once per cold start. The same variables are set
 * by the CDK app in Lambda and by the local runtime; the SDK finds local endpoints itself
 * (AWS_ENDPOINT_URL_DYNAMODB).
 */
export const config = {
  region: process.env.AWS_REGION ?? 'local',
  eventsTable: tableName(TABLES.events),
  idempotencyTable: tableName(TABLES.idempotency),
  /** How long a warm handler trusts that a tenant is active before it reads the tenant's stream again. */
  tenantStatusTtlMs: Number(process.env.TENANT_STATUS_TTL_MS ?? 5000),
};

export const dynamodb = traced(new DynamoDBClient({ maxAttempts: 3 }));

export const eventStore = new DynamoDbEventStore(dynamodb, config.eventsTable);
