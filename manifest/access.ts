import type { SecretFamily } from './secrets.ts';
import { TABLES, type GrantableTable } from './tables.ts';

/**
 * What an entry point does with the event store: `probe` reads one item (GetItem), `read` loads
 * streams (Query), `append` adds a commit (a conditional PutItem, after reading the stream). Never
 * more: the event store is append-only.
 */
export type EventStoreAccess = 'probe' | 'read' | 'append';

/**
 * What an entry point does with one regional table: exactly these DynamoDB operations, on the
 * table, or (with `indexes`) on those indexes of it only.
 */
export interface TableAccess {
  table: Exclude<GrantableTable, 'idempotency'>;
  /** UpdateItem: also as part of a TransactWriteItems (which IAM grants through its items' own actions). */
  operations: readonly ('GetItem' | 'PutItem' | 'Query' | 'BatchWriteItem' | 'UpdateItem')[];
  indexes?: readonly string[];
}

/** What an entry point does with one family of secrets (manifest/secrets.ts). */
export interface SecretAccess {
  family: SecretFamily;
  access: 'read' | 'create' | 'delete';
}

/**
 * Everything an entry point touches besides its own logs and traces. The CDK app grants exactly
 * this and sets the variables it implies (manifest/entry-points.ts `variablesOf`); the local
 * runtime wires the same; tests check that the grants match.
 */
export interface Access {
  eventStore?: EventStoreAccess;
  /** Keeps Powertools idempotency records (the POST routes that take an Idempotency-Key). */
  idempotency?: boolean;
  /** Regional tables other than the idempotency records. */
  tables?: readonly TableAccess[];
  secrets?: readonly SecretAccess[];
  /** Starts executions of the cascade state machine. */
  startsCascades?: boolean;
  /** Starts executions of the bulk operations' state machine. */
  startsBulkOperations?: boolean;
  /** Reads the status of the bulk operations' executions (DescribeExecution). */
  watchesBulkOperations?: boolean;
  /** Reads the status of the cascade state machine's executions (DescribeExecution). */
  watchesCascades?: boolean;
  /** Publishes to the bus. */
  publishes?: boolean;
  /** Asks the cascade state machine and the bus whether they answer (DescribeStateMachine, DescribeEventBus): the deep `/health`. */
  checksHealth?: boolean;
  /**
   * The publishing lease (one item of the event store's table): `follow` reads it (GetItem on that
   * key alone); `hold` also takes, renews and advances it (PutItem, UpdateItem on that key alone) and
   * reads the commits a takeover publishes again (Query on the `by-time` index).
   */
  publishingLease?: 'follow' | 'hold';
  /** Sends webhook retries to their queue. */
  queuesWebhookRetries?: boolean;
  /** Sends pushed signal batches to the signals queue. */
  queuesSignals?: boolean;
  /** Reads the CDR files MNOs drop in the signals bucket, and writes each one's report there (`reports/`). */
  readsSignalFiles?: boolean;
  /** Signs eIM packages with the eIM's KMS key (kms:Sign, kms:GetPublicKey on it alone). */
  signsEimPackages?: boolean;
  /** Checks eUICC certificates against the trusted EUMs (their public keys in its environment). */
  trustsEums?: boolean;
}

/** The read-model lists (adapters/read-models/queries.ts): every query names one of the two list indexes. */
export const READ_MODEL_LISTS: TableAccess = { table: 'readModels', operations: ['Query'], indexes: ['by-list', 'by-status'] };

/** A read-model row by its stream id (the over-cap SIM list reads the SIMs its alerts name). */
export const READ_MODEL_ROWS: TableAccess = { table: 'readModels', operations: ['GetItem'] };

/** The running cascades of every tenant (the reconciler): the sparse `open` index only. */
export const OPEN_CASCADES: TableAccess = { table: 'readModels', operations: ['Query'], indexes: ['open'] };

/** The projector reads a row consistently and writes it back conditionally. */
export const READ_MODEL_PROJECTION: TableAccess = { table: 'readModels', operations: ['GetItem', 'PutItem'] };

/** Redelivering a dead letter reads its parked event; only the delivery functions park one. */
export const DEAD_LETTER_PAYLOAD_READ: TableAccess = { table: 'webhookDeadLetters', operations: ['GetItem'] };
export const DEAD_LETTER_PAYLOAD_WRITE: TableAccess = { table: 'webhookDeadLetters', operations: ['PutItem'] };

/** Webhook deliveries made (de-duplication by event id across regions): read before the first attempt, written once delivered. */
export const WEBHOOK_DELIVERIES: TableAccess = { table: 'webhookDeliveries', operations: ['GetItem', 'PutItem'] };

/** Taking a call from an MNO's rate budget: the conditional ADD on its counter. */
export const MNO_RATE: TableAccess = { table: 'mnoRate', operations: ['UpdateItem'] };

/** Counting signals (an ADD per SIM and month, and the month read for a batch whose usage was counted before); the usage route reads the counts. */
export const SIGNAL_COUNTERS: TableAccess = { table: 'signals', operations: ['UpdateItem', 'GetItem'] };
export const SIGNAL_USAGE_READ: TableAccess = { table: 'signals', operations: ['GetItem'] };
/** The pull path's watermarks and readings (compare-and-set), and its batch ids. */
export const SIGNAL_PULL: TableAccess = { table: 'signals', operations: ['GetItem', 'PutItem', 'UpdateItem'] };

/** A pushed batch's id, taken once (a conditional PutItem) within its replay window. */
export const SIGNAL_BATCHES: TableAccess = { table: 'signals', operations: ['PutItem'] };

/** A bulk operation's items: read (its view, a selector naming it) and written (its manifest, outcomes and counts). */
export const BULK_ITEMS_READ: TableAccess = { table: 'bulkItems', operations: ['GetItem', 'Query'] };
export const BULK_ITEMS_WRITE: TableAccess = { table: 'bulkItems', operations: ['GetItem', 'Query', 'BatchWriteItem', 'PutItem', 'UpdateItem'] };

export const WEBHOOK_SECRETS_READ: SecretAccess = { family: 'webhooks', access: 'read' };
export const WEBHOOK_SECRETS_CREATE: SecretAccess = { family: 'webhooks', access: 'create' };
export const WEBHOOK_SECRETS_DELETE: SecretAccess = { family: 'webhooks', access: 'delete' };
export const MNO_CREDENTIALS_READ: SecretAccess = { family: 'mnoCredentials', access: 'read' };
/** The keys MNOs sign what they send with (their signal batches, their SM-DP+'s notifications): for the routes that check them. */
export const MNO_INBOUND_KEYS_READ: SecretAccess = { family: 'mnoInboundKeys', access: 'read' };
export const ACTIVATION_CODES_CREATE: SecretAccess = { family: 'activationCodes', access: 'create' };
export const ACTIVATION_CODES_READ: SecretAccess = { family: 'activationCodes', access: 'read' };
export const ACTIVATION_CODES_DELETE: SecretAccess = { family: 'activationCodes', access: 'delete' };

/** A query of the route's own data (and the tenant check every tenant route makes). */
export const READS: Access = { eventStore: 'read' };
/** A command: load, decide, append. */
export const WRITES: Access = { eventStore: 'append' };
/** A command that takes an Idempotency-Key. */
export const IDEMPOTENT_WRITES = { eventStore: 'append', idempotency: true } as const satisfies Access;
