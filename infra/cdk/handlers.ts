import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_FUNCTIONS, type EventFunction } from '../../functions/events/rules.ts';
import { ROUTES, type Route } from '../../functions/http/routes.ts';
import { TABLES } from '../../functions/tables.ts';
import { CASCADE_TASKS, type CascadeTaskName } from '../../functions/workflow/cascade-workflow.ts';
import type { SecretAccess } from './secrets.ts';

/** The repository root (bundling's project root, where package-lock.json is). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a handler does with the event store: `probe` reads one item (GetItem), `read` loads
 * streams (Query), `append` adds a commit (PutItem with a condition). Never more: the event
 * store is append-only by IAM.
 */
export type EventStoreAccess = 'probe' | 'read' | 'append';

export const EVENT_STORE_ACTIONS: Record<EventStoreAccess, readonly string[]> = {
  probe: ['dynamodb:GetItem'],
  read: ['dynamodb:Query'],
  append: ['dynamodb:Query', 'dynamodb:PutItem'],
};

/** Powertools idempotency records: read, claim, complete and release an Idempotency-Key. */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/** The regional tables (TABLES keys) besides the idempotency records, which have their own flag. */
export type RegionalTableName = { [K in keyof typeof TABLES]: (typeof TABLES)[K]['scope'] extends 'regional' ? K : never }[keyof typeof TABLES];

/**
 * What a handler does with one regional table: exactly these actions, on the table, or (with
 * `indexes`) on those indexes of it only, by name (a Query that names an index is authorized on the
 * index's ARN, not the table's).
 */
export interface TableAccess {
  table: Exclude<RegionalTableName, 'idempotency'>;
  actions: readonly string[];
  indexes?: readonly string[];
}

/** The read-model lists (functions/read-models/queries.ts): every query names one of the two indexes. */
export const READ_MODEL_LISTS: TableAccess = {
  table: 'readModels',
  actions: ['dynamodb:Query'],
  indexes: TABLES.readModels.indexes.map((i) => i.name),
};

/** The projector (functions/read-models/projector.ts): reads a row consistently, writes it back conditionally. */
export const READ_MODEL_PROJECTION: TableAccess = { table: 'readModels', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] };

/** The redeliver route reads a parked event (functions/webhooks/dead-letter-payloads.ts `get`); only the delivery worker parks. */
export const DEAD_LETTER_PAYLOAD_READ: TableAccess = { table: 'webhookDeadLetters', actions: ['dynamodb:GetItem'] };

/** The delivery functions park a delivery's event (functions/webhooks/dead-letter-payloads.ts `put`). */
export const DEAD_LETTER_PAYLOAD_WRITE: TableAccess = { table: 'webhookDeadLetters', actions: ['dynamodb:PutItem'] };

const WEBHOOK_SECRETS_READ: SecretAccess = { family: 'webhooks', access: 'read' };
const WEBHOOK_SECRETS_CREATE: SecretAccess = { family: 'webhooks', access: 'create' };
const WEBHOOK_SECRETS_DELETE: SecretAccess = { family: 'webhooks', access: 'delete' };
const MNO_CREDENTIALS_READ: SecretAccess = { family: 'mnoCredentials', access: 'read' };

export interface HandlerSpec {
  /** Construct id, unique in a stack. */
  id: string;
  /** Absolute path of the module and its exported handler. */
  entry: string;
  handler: string;
  kind: 'http' | 'task' | 'event' | 'stream' | 'queue';
  eventStore?: EventStoreAccess;
  idempotency?: boolean;
  /** Regional tables other than the idempotency records. */
  tables?: readonly TableAccess[];
  /** Starts cascade executions (states:StartExecution on the cascade state machine). */
  startsCascades?: boolean;
  /** Publishes to the bus (events:PutEvents). */
  publishes?: boolean;
  /** Secrets Manager: which families of Switchboard's secrets it reads or creates. */
  secrets?: readonly SecretAccess[];
  /** Queues webhook retries (sqs:SendMessage on the retry queue, WEBHOOK_RETRY_QUEUE_URL). */
  queuesWebhookRetries?: boolean;
  timeoutSeconds: number;
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join('');

/** `POST /v1/sims/{eid}/activate` → `HttpPostV1SimsEidActivate`. */
export const routeFunctionId = (route: Pick<Route, 'method' | 'path'>) => `Http${pascal(route.method)}${pascal(route.path)}`;
export const taskFunctionId = (task: CascadeTaskName) => `Task${task}`;
export const eventFunctionId = (fn: EventFunction) => `Event${pascal(fn)}`;
export const FORWARDER_ID = 'StreamForwarder';
export const PROJECTOR_ID = 'StreamProjector';

/**
 * What a route's handler touches, from how functions/http/http-handler.ts builds it: every route
 * loads streams (and checks the caller's tenant); writes (POST, PUT) append; POSTs keep
 * idempotency records. Two routes touch less: /health reads one item, the event catalogue nothing.
 * Some touch more: the lists query the read model's indexes, redelivering a dead letter reads its
 * parked event, creating a subscription creates its signing secret, redelivering reads it,
 * deleting one deletes it.
 */
const routeAccess = (route: Route): Pick<HandlerSpec, 'eventStore' | 'idempotency' | 'tables' | 'secrets'> => {
  if (route.entry === 'health.ts') return { eventStore: 'probe' };
  if (route.entry === 'events/schemas.ts') return {};
  const base = { eventStore: route.method === 'GET' ? ('read' as const) : ('append' as const), idempotency: route.method === 'POST' };
  if (route.entry === 'sims/list.ts' || route.entry === 'cascades/list.ts') return { ...base, tables: [READ_MODEL_LISTS] };
  if (route.entry === 'subscriptions/dead-letters.ts' && route.handler === 'redeliver')
    return { ...base, tables: [DEAD_LETTER_PAYLOAD_READ], secrets: [WEBHOOK_SECRETS_READ] };
  if (route.entry === 'subscriptions/write.ts' && route.handler === 'create') return { ...base, secrets: [WEBHOOK_SECRETS_CREATE] };
  if (route.entry === 'subscriptions/write.ts' && route.handler === 'remove') return { ...base, secrets: [WEBHOOK_SECRETS_DELETE] };
  return base;
};

export const ROUTE_HANDLERS: readonly (HandlerSpec & { route: Route })[] = ROUTES.map((route) => ({
  id: routeFunctionId(route),
  entry: join(ROOT, 'functions/http', route.entry),
  handler: route.handler,
  kind: 'http',
  route,
  timeoutSeconds: 10,
  ...routeAccess(route),
}));

export const TASK_HANDLERS: readonly (HandlerSpec & { task: CascadeTaskName; substitution: string })[] = (
  Object.entries(CASCADE_TASKS) as [CascadeTaskName, (typeof CASCADE_TASKS)[CascadeTaskName]][]
).map(([task, t]) => ({
  id: taskFunctionId(task),
  entry: join(ROOT, 'functions/workflow', t.entry),
  handler: t.handler,
  kind: 'task',
  task,
  substitution: t.substitution,
  // Each step reads the cascade (and its policy, SIM, MNOs) and appends its outcome.
  eventStore: 'append',
  // The steps that call a CMP read its credentials.
  ...(task === 'ApplyToMno' || task === 'PollJob' || task === 'VerifyOnMno' ? { secrets: [MNO_CREDENTIALS_READ] } : {}),
  // The ASL's own TimeoutSeconds (60–120 s) bound the steps; the Lambda's is the backstop.
  timeoutSeconds: 120,
}));

export const EVENT_HANDLERS: readonly (HandlerSpec & { name: EventFunction })[] = (
  Object.entries(EVENT_FUNCTIONS) as [EventFunction, (typeof EVENT_FUNCTIONS)[EventFunction]][]
).map(([name, f]) => ({
  id: eventFunctionId(name),
  entry: join(ROOT, 'functions/events', f.entry),
  handler: f.handler,
  kind: 'event',
  name,
  timeoutSeconds: 30,
  // start-cascade-execution only starts an execution; plan-sim-cascade records a cascade.
  ...(name === 'start-cascade-execution' ? { startsCascades: true } : { eventStore: 'append' as const }),
}));

export const FORWARDER: HandlerSpec = {
  id: FORWARDER_ID,
  entry: join(ROOT, 'functions/streams/forwarder.ts'),
  handler: 'handler',
  kind: 'stream',
  publishes: true,
  timeoutSeconds: 60,
};

/**
 * The event store stream → the read-model table. Loads a stream's missed commits from the event
 * store (Query) when a row lags behind a delivered commit.
 */
export const PROJECTOR: HandlerSpec = {
  id: PROJECTOR_ID,
  entry: join(ROOT, 'functions/read-models/projector.ts'),
  handler: 'handler',
  kind: 'stream',
  eventStore: 'read',
  tables: [READ_MODEL_PROJECTION],
  timeoutSeconds: 60,
};

export const WEBHOOK_DELIVER_ID = 'WebhookDeliver';
export const WEBHOOK_RETRY_ID = 'WebhookRetry';

/**
 * Webhook delivery (functions/webhooks): the bus's `webhooks` target makes first attempts; the
 * retry queue's consumer makes the rest. Both load subscriptions, read signing secrets, queue the
 * next retry, and park a delivery whose retries are spent (its event in the dead-letter table, the
 * dead letter appended to the subscription's stream).
 */
const webhookDelivery = (id: string, entry: string, kind: HandlerSpec['kind']): HandlerSpec => ({
  id,
  entry: join(ROOT, 'functions/webhooks', entry),
  handler: 'handler',
  kind,
  eventStore: 'append',
  tables: [DEAD_LETTER_PAYLOAD_WRITE],
  secrets: [WEBHOOK_SECRETS_READ],
  queuesWebhookRetries: true,
  // Every attempt is bounded by 5 s; a batch of 10 retries, or the subscriptions of one tenant, fit.
  timeoutSeconds: 60,
});

export const WEBHOOK_HANDLERS: readonly HandlerSpec[] = [webhookDelivery(WEBHOOK_DELIVER_ID, 'deliver-handler.ts', 'event'), webhookDelivery(WEBHOOK_RETRY_ID, 'retry-handler.ts', 'queue')];

/** The event store stream's consumers, each with its own event source mapping. */
export const STREAM_HANDLERS: readonly HandlerSpec[] = [FORWARDER, PROJECTOR];

export const ALL_HANDLERS: readonly HandlerSpec[] = [...ROUTE_HANDLERS, ...TASK_HANDLERS, ...EVENT_HANDLERS, ...WEBHOOK_HANDLERS, ...STREAM_HANDLERS];
