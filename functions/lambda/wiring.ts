import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_CLIENT_OPTIONS } from '../../adapters/dynamodb/client-options.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import type { LeaseStore } from '../../application/ports/lease-store.ts';
import type { GatewayFor } from '../../adapters/mno-gateways/index.ts';
import type { DeadLetterPayloads, WebhookSecrets } from '../../application/webhooks/ports.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { readEnvironment } from '../../manifest/environment.ts';

/**
 * The composition root of every entry point: the environment, parsed at cold start (a malformed
 * variable fails the import, naming it), and the adapters made from it. The CDK app sets the same
 * variables in Lambda as the local runtime sets on this machine; the SDK finds local endpoints
 * itself (AWS_ENDPOINT_URL_DYNAMODB, …), so handlers run unchanged in both. What only some entry
 * points use is made in their own wiring (cascade-wiring.ts, webhook-wiring.ts), so that the
 * others neither bundle nor load it.
 */
export const env = readEnvironment();

export const config = {
  region: env.AWS_REGION,
  eventsTable: env.EVENTS_TABLE,
  idempotencyTable: env.IDEMPOTENCY_TABLE,
  readModelsTable: env.READ_MODELS_TABLE,
  webhookDeadLettersTable: env.WEBHOOK_DEAD_LETTERS_TABLE,
  tenantStatusTtlMs: env.TENANT_STATUS_TTL_MS,
};

export const dynamodb = new DynamoDBClient(DYNAMODB_CLIENT_OPTIONS);

/**
 * The adapters handlers reach the outside through. The event store is made here; the others by
 * the wiring of the entry points that use them, on first use. A test (or a runtime) may put its
 * own in their place with `useAdapters` before it invokes a handler, e.g. the in-memory event
 * store (adapters/event-store/memory-event-store.ts).
 */
export interface Adapters {
  eventStore: EventStore;
  /** The publishing lease (an item of the event store's table), made by lease-wiring.ts for the entries that follow or hold it. */
  leaseStore?: LeaseStore;
  /** The gateway to an MNO's CMP, with its credentials from the secret store (cascade-wiring.ts). */
  gateways?: GatewayFor | undefined;
  /** Webhook signing secrets and parked deliveries' events (webhook-wiring.ts). */
  webhookSecrets?: WebhookSecrets | undefined;
  deadLetterPayloads?: DeadLetterPayloads | undefined;
}

export const adapters: Adapters = {
  eventStore: new DynamoDbEventStore(dynamodb, config.eventsTable),
};

export const useAdapters = (replacements: Partial<Adapters>) => Object.assign(adapters, replacements);
