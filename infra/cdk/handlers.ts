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
const KIND: Record<Trigger['kind'], string> = { http: 'http', task: 'task', rule: 'event', webhooks: 'event', stream: 'stream', queue: 'queue', schedule: 'schedule' };

/** One function of the manifest, as CDK makes it: its module as an absolute path. */
export type HandlerSpec<T extends EntryPoint = EntryPoint> = T & { entry: string; kind: string };

const spec = <T extends EntryPoint>(e: T): HandlerSpec<T> => ({ ...e, entry: join(ROOT, e.module), kind: KIND[e.trigger.kind] });

/** Every function of the deployment, from the manifest (manifest/entry-points.ts). */
export const ALL_HANDLERS: readonly HandlerSpec[] = ENTRY_POINTS.map(spec);

export const handlersTriggeredBy = <K extends Trigger['kind']>(kind: K) =>
  ALL_HANDLERS.filter((h): h is HandlerSpec<EntryPoint & { trigger: Extract<Trigger, { kind: K }> }> => h.trigger.kind === kind);
