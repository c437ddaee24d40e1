import * as z from '../../domain/zod-mini.ts';
import { AlertId } from '../../domain/alerts/alert-id.ts';
import { BulkId } from '../../domain/bulk/bulk-id.ts';
import { Eid, Iccid, MnoId, TenantId } from '../../domain/identifiers/index.ts';
import { CascadeId, PolicyId } from '../../domain/policy/identifiers.ts';
import { SubscriptionId } from '../../domain/subscription/subscription-id.ts';
import type { HttpRequest } from './http-handler.ts';
import { positiveInteger } from './integers.ts';
import { lazySchemas } from '../../domain/events.ts';
import { validationProblem } from './problem.ts';

/**
 * Every path parameter of the route table (`{name}` in a path) and its schema: what the handlers
 * parse and what the OpenAPI document says, from this one table. Each is built on first use
 * (domain/events.ts `lazySchemas`): a handler builds only its route's.
 */
export const PATH_PARAMS = lazySchemas({
  tenantId: () => TenantId,
  eid: () => Eid,
  iccid: () => Iccid,
  counter: () => positiveInteger(),
  mnoId: () => MnoId,
  alertId: () => AlertId,
  bulkId: () => BulkId,
  cascadeId: () => CascadeId,
  policyId: () => PolicyId,
  /** A published version: a canonical positive integer (`1`, never `1.0`, `01` or `+1`). */
  version: () => positiveInteger(),
  subscriptionId: () => SubscriptionId,
  eventId: () => z.string().check(z.regex(/^[\w-]{1,128}$/, 'an event id as in detail.eventId')),
});

export type PathParam = keyof typeof PATH_PARAMS;

/** The path parameter `name` read by its schema; a 400 at `/path/<name>` when it does not fit. */
export const pathParam = <N extends PathParam>(request: Pick<HttpRequest, 'pathParameters'>, name: N): z.output<(typeof PATH_PARAMS)[N]> => {
  const parsed = (PATH_PARAMS[name] as z.ZodMiniType).safeParse(request.pathParameters?.[name]);
  if (!parsed.success) throw validationProblem(parsed.error, `/path/${name}`);
  return parsed.data as z.output<(typeof PATH_PARAMS)[N]>;
};
