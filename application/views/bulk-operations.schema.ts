import * as z from '../../domain/zod-mini.ts';
import { BulkStatus, Counts } from '../../domain/bulk/events.ts';
import { BulkId, BulkRequest } from '../../domain/bulk/request.ts';

/**
 * The bulk operations as the API answers them (the OpenAPI document's, and the views' return
 * types). Not bundled into a function: the views import only their types.
 */
const Action = z.enum(['activate', 'suspend', 'resume', 'set-labels', 'enable-profile', 'order-profile']);
const count = () => z.int().check(z.nonnegative());

/** One SIM of an operation: its outcome (`pending` until its chunk has run) and, for a failure or a skip, the code and reason. */
export const BulkItemView = z.strictObject({
  eid: z.string(),
  outcome: z.enum(['pending', 'succeeded', 'failed', 'skipped']),
  code: z.optional(z.string()),
  reason: z.optional(z.string()),
});

/** An operation on its own page: what it was asked, where it is, its counts and a page of its items. */
export const BulkOperationView = z.strictObject({
  id: BulkId,
  action: Action,
  request: BulkRequest,
  status: BulkStatus,
  /** Where a running operation is; `done` once it has ended. */
  phase: z.enum(['waiting-or-selecting', 'selecting', 'processing', 'done']),
  startedBy: z.string(),
  notBefore: z.nullable(z.string()),
  cancelled: z.nullable(z.strictObject({ by: z.string(), reason: z.optional(z.string()) })),
  error: z.nullable(z.string()),
  counts: z.strictObject({ total: count(), pending: count(), succeeded: count(), failed: count(), skipped: count() }),
  /** The skipped items by their code (`already`, `not-concerned`, `no-fallback`, `mno-unavailable`, `cancelled`). */
  skippedBy: z.record(z.string(), count()),
  items: z.array(BulkItemView),
  nextCursor: z.optional(z.string()),
  version: z.int(),
});

/** What a start answers (202): the operation's id and where it is; its progress is on its own page. */
export const BulkOperationStarted = z.strictObject({
  id: BulkId,
  status: BulkStatus,
  action: Action,
  startedBy: z.string(),
  version: z.int(),
});

/**
 * A page of the tenant's operations from the read model (adapters/read-models/queries.ts):
 * `total` once the SIMs are selected, `counts` once it has ended (null before).
 */
export const BulkOperationPage = z.strictObject({
  items: z.array(
    z.strictObject({
      id: BulkId,
      action: Action,
      status: BulkStatus,
      startedBy: z.string(),
      total: z.nullable(count()),
      counts: z.nullable(Counts),
      startedAt: z.string(),
      updatedAt: z.string(),
      version: z.int(),
    }),
  ),
  nextCursor: z.optional(z.string()),
});
