/**
 * The tables, one definition each for the CDK app (infra/cdk/tables.ts, event-store.ts), the local
 * runtime and tests (adapters/dynamodb/create-table.ts). Handlers find a table's name in the
 * variable `envVar` (manifest/environment.ts); `name` is the default, and the name CDK gives it.
 */
export interface KeyDefinition {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  /** What the index holds of each item: every attribute (the default), or only the keys (the items then read from the table). */
  projection?: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition {
  name: string;
  envVar: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  timeToLiveAttribute?: string;
  stream?: 'NEW_IMAGE';
  /** Global (the event store: replicated to the second region in the mode chosen), replicated (always eventually consistent), or regional. */
  scope: 'global' | 'replicated' | 'regional';
  /** Global secondary indexes. */
  indexes?: readonly IndexDefinition[];
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
    /**
     * Commits by the minute they were appended in (adapters/event-store/time-index.ts): a publisher
     * taking the lease over reads them. Keys only: every commit is written to the index too, and a
     * takeover, rare, reads the commits it lists from the table (BatchGetItem) rather than every
     * append storing and writing each commit twice.
     */
    indexes: [{ name: 'by-time', partitionKey: { name: 'tb', type: 'S' }, sortKey: { name: 'at', type: 'S' }, projection: 'KEYS_ONLY' }],
  },
  /**
   * Webhook deliveries made (adapters/webhooks/delivery-log.ts): `id` = `<subscription>#<event id>`,
   * written once a receiver took the event, kept 7 days. Replicated to the other region (a global
   * table, eventually consistent whatever the event store's mode: it needs time to live), so that
   * the region that takes publishing over (and publishes the last minutes again) delivers nothing
   * twice. A region keeps its own in its `replicas` when the two are simulated apart.
   */
  webhookDeliveries: {
    name: 'switchboard-webhook-deliveries',
    envVar: 'WEBHOOK_DELIVERIES_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    scope: 'replicated',
  },
  /** Powertools idempotency records: the first response to each Idempotency-Key, for 24 h. */
  idempotency: {
    name: 'switchboard-idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
    scope: 'regional',
  },
  /**
   * The events of parked webhook deliveries, kept for redelivery: one item per parked delivery,
   * `pk` = the subscription's stream id, `eventId`. Regional: deliveries run where events are
   * published (the region that owns publishing), so that is where they are parked and can be
   * redelivered; a redelivery asked of the other region finds no payload and says so (409).
   */
  webhookDeadLetters: {
    name: 'switchboard-webhook-dead-letters',
    envVar: 'WEBHOOK_DEAD_LETTERS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'eventId', type: 'S' },
    scope: 'regional',
  },
  /**
   * Bulk operations' items (adapters/bulk-items): per operation (`pk` = its stream id), the manifest
   * of SIMs in chunks (`sk` = `c#<chunk>#<eid>`, each with its outcome once its chunk ran), a mark
   * per recorded chunk (`m#<chunk>`) and the counts. Regional: what happened to each SIM is in the
   * SIM's own stream (global), and an operation resumed in the other region selects its SIMs again
   * there and finds the SIMs done already (their commits carry the operation's id). Kept 90 days.
   */
  bulkItems: {
    name: 'switchboard-bulk-items',
    envVar: 'BULK_ITEMS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    scope: 'regional',
  },
  /**
   * Calls to each MNO this second (adapters/mno-rate): `pk` = `<mno>#<epoch second>`, a counter
   * kept under the MNO's declared rate; gone after five minutes. Regional: the rate is kept per
   * region (the region that owns the work, once issue 13's lease decides it).
   */
  mnoRate: {
    name: 'switchboard-mno-rate',
    envVar: 'MNO_RATE_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    scope: 'regional',
  },
  /**
   * What the network's signals leave behind (adapters/signals): usage counted per SIM and month
   * (`pk` = `T#<tenant>#USAGE#<eid>`, `sk` = `<yyyy-mm>`: bytes and SMS in all and per MNO, bytes
   * per day, kept 400 days), and each pushed batch's id for its replay window (`pk` =
   * `BATCH#<mno>#<batchId>`, `sk` = `-`, gone after 15 minutes). No raw record is kept. Regional:
   * signals are counted where they arrive (each MNO pushes to the region that serves it).
   */
  signals: {
    name: 'switchboard-signals',
    envVar: 'SIGNALS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    scope: 'regional',
  },
  /**
   * The read models: regional (every region projects its own replica's stream), disposable,
   * rebuilt from the event store by `npm run rebuild-projections`.
   *
   * One row per projected event-store stream, keyed by that stream's id (`pk` = `T#<tenant>#SIM#<eid>`,
   * `T#<tenant>#CASCADE#<id>`, `MNO#<id>`), so the projector finds a commit's row without a lookup.
   * Lists are two overloaded GSIs sharing one sort key:
   * - `by-list`: `listKey` = the tenant's list (`T#<tenant>#SIM`, `T#<tenant>#CASCADE`, `MNO`);
   * - `by-status`: `statusKey` = that list and a status (`T#<tenant>#SIM#active`, `T#<tenant>#CASCADE#running`);
   * - `sortKey`: a SIM's EID, a cascade's `<startedAt>#<id>` (newest first when read backwards), an MNO's id.
   * - `open` (sparse): `openKey` = `CASCADE#running` on the rows of running cascades only, every
   *   tenant's: what the reconciler checks (a row leaves it when its cascade completes).
   * A status change only rewrites the row's `statusKey`; DynamoDB moves it between index partitions.
   * MNO and label filters are multi-valued (a SIM has profiles on several MNOs), which a GSI key
   * cannot hold: they are filter expressions on the tenant's (or the tenant's state's) partition.
   */
  readModels: {
    name: 'switchboard-read-models',
    envVar: 'READ_MODELS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    scope: 'regional',
    indexes: [
      { name: 'by-list', partitionKey: { name: 'listKey', type: 'S' }, sortKey: { name: 'sortKey', type: 'S' } },
      { name: 'by-status', partitionKey: { name: 'statusKey', type: 'S' }, sortKey: { name: 'sortKey', type: 'S' } },
      { name: 'open', partitionKey: { name: 'openKey', type: 'S' }, sortKey: { name: 'sortKey', type: 'S' } },
    ],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

/** The tables a function may be granted by name: the regional ones and the replicated ones (not the event store). */
export type GrantableTable = { [K in TableKey]: (typeof TABLES)[K]['scope'] extends 'regional' | 'replicated' ? K : never }[TableKey];
