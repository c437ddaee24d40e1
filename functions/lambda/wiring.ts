import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { traced } from '../../adapters/observability/tracer.ts';
import type { CascadePorts } from '../../application/cascades/ports.ts';
import { credentialStoreFor, urlPolicyFor, webhookSecretsFor } from '../../adapters/configured.ts';
import { countMnoApplyError, countMnoApplyFailure } from '../../adapters/observability/metrics.ts';
import { mnoGateways, type GatewayFor } from '../../adapters/mno-gateways/index.ts';
import { dynamoDbDeadLetterPayloads, type DeadLetterPayloads } from '../../adapters/webhooks/dead-letter-payloads.ts';
import type { WebhookSecrets } from '../../adapters/webhooks/secrets.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { readEnvironment } from '../../manifest/environment.ts';

/**
 * The composition root of every entry point: the environment, parsed at cold start (a malformed
 * variable fails the import, naming it), and the adapters made from it. The CDK app sets the same
 * variables in Lambda as the local runtime sets on this machine; the SDK finds local endpoints
 * itself (AWS_ENDPOINT_URL_DYNAMODB, …), so handlers run unchanged in both.
 */
export const env = readEnvironment();

export const config = {
  region: env.AWS_REGION,
  eventsTable: env.EVENTS_TABLE,
  idempotencyTable: env.IDEMPOTENCY_TABLE,
  readModelsTable: env.READ_MODELS_TABLE,
  webhookDeadLettersTable: env.WEBHOOK_DEAD_LETTERS_TABLE,
  tenantStatusTtlMs: env.TENANT_STATUS_TTL_MS,
  /** Which webhook URLs are allowed (https only in AWS). */
  urlPolicy: urlPolicyFor(env),
};

export const dynamodb = traced(new DynamoDBClient({ maxAttempts: 3 }));

/**
 * The adapters handlers reach the outside through. Made here from the environment; a test (or a
 * runtime) may put others in their place with `useAdapters` before it invokes a handler, e.g. the
 * in-memory event store (adapters/event-store/memory-event-store.ts).
 */
export interface Adapters {
  eventStore: EventStore;
  /** The gateway to an MNO's CMP (adapters/mno-gateways), with its credentials from the secret store. */
  gateways: GatewayFor;
  webhookSecrets: WebhookSecrets;
  deadLetterPayloads: DeadLetterPayloads;
}

export const adapters: Adapters = {
  eventStore: new DynamoDbEventStore(dynamodb, config.eventsTable),
  gateways: mnoGateways(credentialStoreFor(env)),
  webhookSecrets: webhookSecretsFor(env),
  deadLetterPayloads: dynamoDbDeadLetterPayloads(dynamodb, config.webhookDeadLettersTable),
};

export const useAdapters = (replacements: Partial<Adapters>) => Object.assign(adapters, replacements);

/** What the cascade's steps (application/cascades) run on here. */
export const cascadePorts: CascadePorts = {
  get store() {
    return adapters.eventStore;
  },
  gateway: (registration) => adapters.gateways(registration),
  region: config.region,
  now: () => new Date().toISOString(),
  countApplyError: countMnoApplyError,
  countApplyFailure: countMnoApplyFailure,
};
