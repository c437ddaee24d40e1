import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStoreAccess } from '../../manifest/access.ts';
import { ENTRY_POINTS, type EntryPoint, type Trigger } from '../../manifest/entry-points.ts';

export { FORWARDER_ID, PROJECTOR_ID, WEBHOOK_DELIVER_ID, WEBHOOK_RETRY_ID, eventFunctionId, routeFunctionId, taskFunctionId } from '../../manifest/entry-points.ts';

/** The repository root (bundling's project root, where package-lock.json is). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The IAM actions of each kind of event-store access (manifest/access.ts). */
export const EVENT_STORE_ACTIONS: Record<EventStoreAccess, readonly string[]> = {
  probe: ['dynamodb:GetItem'],
  read: ['dynamodb:Query'],
  append: ['dynamodb:Query', 'dynamodb:PutItem'],
};

/** Powertools idempotency records: read, claim, complete and release an Idempotency-Key. */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/** How a function is described in its role: by what invokes it. */
const KIND: Record<Trigger['kind'], string> = { http: 'http', task: 'task', rule: 'event', webhooks: 'event', stream: 'stream', queue: 'queue', bucket: 'bucket', schedule: 'schedule' };

/**
 * The nested stacks of a regional stack that hold the functions (infra/cdk/handler-stacks.ts): the
 * routes that read (GET) and the routes that take commands (every other method), each with its API
 * route; and the workers, every function that is not a route.
 */
export type HandlerStackName = 'httpReads' | 'httpCommands' | 'workers';

/**
 * Which nested stack a function goes into: a route by its method, any other function by what
 * invokes it. Neither changes for an entry point, so no function moves when others are added.
 */
const stackOf = (trigger: Trigger): HandlerStackName => {
  switch (trigger.kind) {
    case 'http':
      return trigger.route.method === 'GET' ? 'httpReads' : 'httpCommands';
    case 'task':
    case 'rule':
    case 'webhooks':
    case 'stream':
    case 'queue':
    case 'bucket':
    case 'schedule':
      return 'workers';
  }
};

/** One function of the manifest, as CDK makes it: its module as an absolute path, its kind, the nested stack it goes into. */
export type HandlerSpec<T extends EntryPoint = EntryPoint> = T & { entry: string; kind: string; stack: HandlerStackName };

const spec = <T extends EntryPoint>(e: T): HandlerSpec<T> => ({ ...e, entry: join(ROOT, e.module), kind: KIND[e.trigger.kind], stack: stackOf(e.trigger) });

/** Every function of the deployment, from the manifest (manifest/entry-points.ts). */
export const ALL_HANDLERS: readonly HandlerSpec[] = ENTRY_POINTS.map(spec);

export const handlersTriggeredBy = <K extends Trigger['kind']>(kind: K) =>
  ALL_HANDLERS.filter((h): h is HandlerSpec<EntryPoint & { trigger: Extract<Trigger, { kind: K }> }> => h.trigger.kind === kind);
