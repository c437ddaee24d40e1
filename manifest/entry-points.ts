import { DEAD_LETTER_PAYLOAD_WRITE, WEBHOOK_DELIVERIES, MNO_CREDENTIALS_READ, MNO_INBOUND_KEYS_READ, OPEN_CASCADES, READ_MODEL_LISTS, READ_MODEL_PROJECTION, SIGNAL_BATCHES, SIGNAL_COUNTERS, SIGNAL_PULL, MNO_RATE, WEBHOOK_SECRETS_READ, type Access } from './access.ts';
import { BULK_TASKS, bulkTaskTimeoutSeconds, type BulkTaskName } from './bulk-workflow.ts';
import { CASCADE_TASKS, type CascadeTaskName } from './cascade-workflow.ts';
import type { Variable } from './environment.ts';
import { ROUTES, type Route } from './routes.ts';
import { EVENT_FUNCTIONS, type EventFunction } from './rules.ts';

/**
 * The deployment manifest: every entry point a Lambda runtime invokes, what invokes it, and what it
 * touches. The CDK app makes one function per entry (its grants and variables from `access`), the
 * local runtime wires the same modules to its gateway, engine, bus and stream pollers, and the bench
 * bundles them; none of them keeps a list of its own.
 */
export interface EntryPoint {
  /** Unique; the CDK construct id of its function. */
  id: string;
  /** The module, from the repository root, and its export that is the handler. */
  module: string;
  handler: string;
  timeoutSeconds: number;
  access: Access;
  trigger: Trigger;
  /** Variables set for this entry's function in AWS beyond what its access implies (the local runtime keeps the defaults). */
  variables?: Partial<Record<Variable, string>> | undefined;
}

/** What invokes an entry point. */
export type Trigger =
  | { kind: 'http'; route: Route }
  /** A Task state of a state machine (its `${substitution}` in the ASL). */
  | { kind: 'task'; machine: 'cascade'; task: CascadeTaskName; substitution: string }
  | { kind: 'task'; machine: 'bulk'; task: BulkTaskName; substitution: string }
  | { kind: 'rule'; function: EventFunction }
  /** The `webhooks` target of the deliver-webhooks rule. */
  | { kind: 'webhooks' }
  | { kind: 'stream'; consumer: StreamConsumer }
  | { kind: 'queue'; queue: 'webhookRetries' | 'signals' }
  /** An object created in a bucket (S3 event notifications; locally, a folder watched). */
  | { kind: 'bucket'; bucket: 'signals' }
  /** A schedule: `rate` as EventBridge Scheduler and rules write it (locally: at start-up, then every `everyMs`). */
  | { kind: 'schedule'; name: string; rate: string; everyMs: number };

/** A consumer of the event store's DynamoDB stream, with its own event source mapping (its own positions). */
export interface StreamConsumer {
  /** `Forwarder`: the CDK construct ids `<name>Stream` and `<name>Dlq` come from it. */
  name: string;
  /** Locally, the file (in the data dir) that keeps its positions across restarts. */
  checkpoints: string;
  /** What its dead-letter queue holds. */
  deadLetters: string;
  /** What it means when it falls behind (the iterator-age alarm's text). */
  whenBehind: string;
}

export type EntryKind = Trigger['kind'];

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join('');

/** `POST /v1/sims/{eid}/activate` → `HttpPostV1SimsEidActivate`. */
export const routeFunctionId = (route: Pick<Route, 'method' | 'path'>) => `Http${pascal(route.method)}${pascal(route.path)}`;
export const taskFunctionId = (task: CascadeTaskName | BulkTaskName) => `Task${task}`;
export const eventFunctionId = (fn: EventFunction) => `Event${pascal(fn)}`;
export const FORWARDER_ID = 'StreamForwarder';
export const PROJECTOR_ID = 'StreamProjector';
export const WEBHOOK_DELIVER_ID = 'WebhookDeliver';
export const WEBHOOK_RETRY_ID = 'WebhookRetry';

export const ROUTE_ENTRY_POINTS: readonly (EntryPoint & { trigger: { kind: 'http' } })[] = ROUTES.map((route) => ({
  id: routeFunctionId(route),
  module: `functions/http/${route.entry}`,
  handler: route.handler,
  timeoutSeconds: 10,
  access: route.access,
  trigger: { kind: 'http', route },
}));

/** The entry points of a table of handlers (module under `dir`, export, access), keyed by name. */
const entriesOf = <K extends string, T extends { kind: string }>(
  table: Readonly<Record<K, { entry: string; handler: string; access: Access }>>,
  dir: string,
  timeoutSeconds: number,
  idOf: (name: K) => string,
  triggerOf: (name: K) => T,
) =>
  (Object.keys(table) as K[]).map((name) => ({ id: idOf(name), module: `${dir}/${table[name].entry}`, handler: table[name].handler, timeoutSeconds, access: table[name].access, trigger: triggerOf(name) }));

/** The ASL's own TimeoutSeconds (60–120 s) bound the steps; the Lambda's timeout is the backstop. */
type TaskEntryPoint = EntryPoint & { trigger: { kind: 'task' } };

export const CASCADE_TASK_ENTRY_POINTS: readonly TaskEntryPoint[] = entriesOf<CascadeTaskName, TaskEntryPoint['trigger']>(CASCADE_TASKS, 'functions/workflow', 120, taskFunctionId, (task) => ({
  kind: 'task' as const,
  machine: 'cascade' as const,
  task,
  substitution: CASCADE_TASKS[task].substitution,
}));

/** Each bulk task's function times out with its ASL state (bulkTaskTimeoutSeconds): no run outlives its retry's start. */
export const BULK_TASK_ENTRY_POINTS: readonly TaskEntryPoint[] = entriesOf<BulkTaskName, TaskEntryPoint['trigger']>(BULK_TASKS, 'functions/bulk', 0, taskFunctionId, (task) => ({
  kind: 'task' as const,
  machine: 'bulk' as const,
  task,
  substitution: BULK_TASKS[task].substitution,
})).map((entry) => ({ ...entry, timeoutSeconds: bulkTaskTimeoutSeconds((entry.trigger as { task: BulkTaskName }).task) }));

export const TASK_ENTRY_POINTS: readonly TaskEntryPoint[] = [...CASCADE_TASK_ENTRY_POINTS, ...BULK_TASK_ENTRY_POINTS];

export const RULE_ENTRY_POINTS: readonly (EntryPoint & { trigger: { kind: 'rule' } })[] = entriesOf(EVENT_FUNCTIONS, 'functions/events', 30, eventFunctionId, (name) => ({
  kind: 'rule' as const,
  function: name,
}));

/**
 * Webhook delivery: the bus's `webhooks` target makes first attempts; the retry queue's consumer
 * makes the rest. Both load subscriptions, read signing secrets, queue the next retry, and park a
 * delivery whose retries are spent (its event in the dead-letter table, the dead letter appended
 * to the subscription's stream). Every attempt is bounded by 5 s; a batch of 10 retries, or the
 * subscriptions of one tenant, fit in the timeout.
 */
const WEBHOOK_DELIVERY: Access = { eventStore: 'append', tables: [DEAD_LETTER_PAYLOAD_WRITE, WEBHOOK_DELIVERIES], secrets: [WEBHOOK_SECRETS_READ], queuesWebhookRetries: true };

export const WEBHOOK_ENTRY_POINTS: readonly EntryPoint[] = [
  { id: WEBHOOK_DELIVER_ID, module: 'functions/webhooks/deliver.ts', handler: 'handler', timeoutSeconds: 60, access: WEBHOOK_DELIVERY, trigger: { kind: 'webhooks' } },
  { id: WEBHOOK_RETRY_ID, module: 'functions/webhooks/retry.ts', handler: 'handler', timeoutSeconds: 60, access: WEBHOOK_DELIVERY, trigger: { kind: 'queue', queue: 'webhookRetries' } },
];

export const SIGNAL_CONSUMER_ID = 'SignalConsume';
export const SIGNAL_FILES_ID = 'SignalFiles';

/**
 * The signal consumer: pushed batches from the signals queue, ten at a time. Each record's SIM is
 * found (its ICCID's claim, its stream, its enterprise's policy), its usage counted, the detectors
 * run; a detection is an alert on the SIM's alert stream, and the policy's response a command on
 * the SIM's stream. The SIMs of a batch that failed go back on the queue as a batch of their own
 * (it sends to its own queue); a message that could not be handled at all is retried alone
 * (partial batch failures).
 */
export const SIGNAL_ENTRY_POINTS: readonly EntryPoint[] = [
  { id: SIGNAL_CONSUMER_ID, module: 'functions/signals/consume.ts', handler: 'handler', timeoutSeconds: 60, access: { eventStore: 'append', tables: [SIGNAL_COUNTERS], queuesSignals: true }, trigger: { kind: 'queue', queue: 'signals' } },
  // A CDR file dropped by an MNO: its signature checked (the MNO's signal key), its lines read, its signals queued in chunks (each once), its refused lines reported.
  { id: SIGNAL_FILES_ID, module: 'functions/signals/cdr-file.ts', handler: 'handler', timeoutSeconds: 300, access: { eventStore: 'read', secrets: [MNO_INBOUND_KEYS_READ], tables: [SIGNAL_BATCHES], queuesSignals: true, readsSignalFiles: true }, trigger: { kind: 'bucket', bucket: 'signals' } },
];

export const STREAM_ENTRY_POINTS: readonly (EntryPoint & { trigger: { kind: 'stream' } })[] = [
  {
    id: FORWARDER_ID,
    module: 'functions/streams/forwarder.ts',
    handler: 'handler',
    timeoutSeconds: 60,
    // Publishes in the region that holds the publishing lease (taken, renewed, its watermark moved here too).
    access: { publishes: true, publishingLease: 'hold' },
    trigger: {
      kind: 'stream',
      consumer: {
        name: 'Forwarder',
        checkpoints: 'stream-checkpoints.json',
        deadLetters: 'Stream batches the forwarder could not publish (their shard and sequence numbers).',
        whenBehind: 'Domain events reach the bus late: cascades start late, webhooks wait.',
      },
    },
  },
  {
    id: PROJECTOR_ID,
    module: 'functions/streams/projector.ts',
    handler: 'handler',
    timeoutSeconds: 60,
    // A row that lags behind a delivered commit is caught up from the event store (Query).
    access: { eventStore: 'read', tables: [READ_MODEL_PROJECTION] },
    trigger: {
      kind: 'stream',
      consumer: {
        name: 'Projector',
        checkpoints: 'projector-checkpoints.json',
        deadLetters: 'Stream batches the projector could not apply to the read models (their shard and sequence numbers; rebuild-projections repairs).',
        whenBehind: 'The read models (lists) are stale; once it has caught up, nothing to repair (if it skipped batches: npm run rebuild-projections -- --region <region>).',
      },
    },
  },
];

export const RECONCILER_ID = 'ScheduleReconcileCascades';

export const PROBE_ID = 'ScheduleProbeMnos';

export const POLL_SIGNALS_ID = 'SchedulePollSignals';
export const VERIFY_NETWORK_ID = 'ScheduleVerifyNetwork';
export const LEASE_KEEPER_ID = 'ScheduleKeepPublishingLease';

/**
 * The schedules run in the region that holds the publishing lease (`publishingLease: 'follow'`) and
 * stand by in the other; the lease keeper runs in both: it renews the lease where it is held and
 * takes it over where it lapsed. In AWS one invocation a minute steps for 55 s (every 5 s); locally
 * the runtime steps it every 5 s.
 */
export const SCHEDULE_ENTRY_POINTS: readonly (EntryPoint & { trigger: { kind: 'schedule' } })[] = [
  {
    id: LEASE_KEEPER_ID,
    module: 'functions/schedules/keep-publishing-lease.ts',
    handler: 'handler',
    timeoutSeconds: 70,
    access: { publishes: true, publishingLease: 'hold' },
    trigger: { kind: 'schedule', name: 'keep-publishing-lease', rate: 'rate(1 minute)', everyMs: 5_000 },
    variables: { LEASE_KEEPER_RUN_MS: '55000' },
  },
  {
    id: RECONCILER_ID,
    module: 'functions/schedules/reconcile-cascades.ts',
    handler: 'handler',
    timeoutSeconds: 60,
    // Running cascades from the read models' open index; each checked and resumed on its stream; executions described and started.
    // …and the running bulk operations (the same index), their executions described and started.
    access: { eventStore: 'append', tables: [OPEN_CASCADES], startsCascades: true, watchesCascades: true, startsBulkOperations: true, watchesBulkOperations: true, publishingLease: 'follow' },
    trigger: { kind: 'schedule', name: 'reconcile-cascades', rate: 'rate(1 minute)', everyMs: 60_000 },
  },
  {
    id: PROBE_ID,
    module: 'functions/schedules/probe-mnos.ts',
    handler: 'handler',
    timeoutSeconds: 60,
    // Each verified MNO's CMP asked once (its credentials read); the outcome appended to the MNO's stream when it changes something.
    access: { eventStore: 'append', secrets: [MNO_CREDENTIALS_READ], publishingLease: 'follow' },
    trigger: { kind: 'schedule', name: 'probe-mnos', rate: 'rate(1 minute)', everyMs: 60_000 },
  },
  {
    id: POLL_SIGNALS_ID,
    module: 'functions/schedules/poll-signals.ts',
    handler: 'handler',
    timeoutSeconds: 60,
    // The MNOs read from their streams; each pull MNO's CMP polled with its credentials and rate budget; watermarks and readings kept; batches queued once.
    access: { eventStore: 'read', secrets: [MNO_CREDENTIALS_READ], tables: [SIGNAL_PULL, MNO_RATE], queuesSignals: true, publishingLease: 'follow' },
    trigger: { kind: 'schedule', name: 'poll-signals', rate: 'rate(1 minute)', everyMs: 60_000 },
  },
  {
    id: VERIFY_NETWORK_ID,
    module: 'functions/schedules/verify-network.ts',
    handler: 'handler',
    timeoutSeconds: 300,
    // Each MNO's SIM states and policies read back (credentials, rate budget); the read models' lists; drift appended as alerts, observations and containment.
    access: { eventStore: 'append', secrets: [MNO_CREDENTIALS_READ], tables: [READ_MODEL_LISTS, MNO_RATE], publishingLease: 'follow' },
    trigger: { kind: 'schedule', name: 'verify-network', rate: 'rate(15 minutes)', everyMs: 900_000 },
  },
];

export const ENTRY_POINTS: readonly EntryPoint[] = [...ROUTE_ENTRY_POINTS, ...TASK_ENTRY_POINTS, ...RULE_ENTRY_POINTS, ...WEBHOOK_ENTRY_POINTS, ...SIGNAL_ENTRY_POINTS, ...STREAM_ENTRY_POINTS, ...SCHEDULE_ENTRY_POINTS];

export const entryPoint = (id: string): EntryPoint => {
  const found = ENTRY_POINTS.find((e) => e.id === id);
  if (!found) throw new Error(`no entry point ${id} in the manifest`);
  return found;
};
