import { READ_MODELS_TABLE } from './read-models/table.ts';
import { WEBHOOK_DEAD_LETTERS_TABLE } from './webhooks/dead-letter-table.ts';

/**
 * The tables, one definition for the CDK app and the local runtime. Handlers find a table's name
 * in `envVar`; `name` is the default (and the local runtime's choice).
 */
export interface TableDefinition {
  name: string;
  envVar: string;
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
  timeToLiveAttribute?: string;
  stream?: 'NEW_IMAGE';
  /** Global (replicated to the second region) or regional. */
  scope: 'global' | 'regional';
  /** Global secondary indexes (all attributes projected). */
  indexes?: readonly { name: string; partitionKey: { name: string; type: 'S' | 'N' }; sortKey?: { name: string; type: 'S' | 'N' } }[];
}

export const TABLES = {
  /** The event store: one item per commit. Append-only. */
  events: {
    name: 'switchboard-events',
    envVar: 'EVENTS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'v', type: 'N' },
    stream: 'NEW_IMAGE',
    scope: 'global',
  },
  /** Powertools idempotency records: the first response to each Idempotency-Key, for 24 h. */
  idempotency: {
    name: 'switchboard-idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
    scope: 'regional',
  },
  /** Events of parked webhook deliveries, kept for redelivery (functions/webhooks). */
  webhookDeadLetters: WEBHOOK_DEAD_LETTERS_TABLE,
  /** Read models (lists by tenant, status, MNO), projected from the event store's stream; rebuildable. */
  readModels: READ_MODELS_TABLE,
} as const satisfies Record<string, TableDefinition>;

export const tableName = (t: TableDefinition) => process.env[t.envVar] ?? t.name;
