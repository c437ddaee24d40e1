import type { BulkState } from '../../domain/bulk/decider.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { BulkItem } from '../bulk/ports.ts';
import type { BulkOperationView } from './bulk-operations.schema.ts';

/** Where a running operation is: waiting out its hold-down, selecting its SIMs, or working through them. */
const phaseOf = (state: Exclude<BulkState, { status: 'none' }>) => (state.status !== 'running' ? 'done' : state.manifest ? 'processing' : state.notBefore ? 'waiting-or-selecting' : 'selecting');

/**
 * A bulk operation as the API shows it: what it was asked, its status and phase, its counts
 * (`pending` = selected and not yet run), and a page of its items, each with its outcome and, for a
 * failure or a skip, the code and reason.
 */
export const bulkView = (state: Exclude<BulkState, { status: 'none' }>, counts: { succeeded: number; failed: number; skipped: number; skippedBy?: Record<string, number> }, items: { items: BulkItem[]; nextCursor?: string | undefined }, version: number): z.output<typeof BulkOperationView> => {
  const total = state.manifest?.total ?? state.counts?.total ?? 0;
  const done = counts.succeeded + counts.failed + counts.skipped;
  return {
    id: state.bulkId,
    action: state.request.action,
    request: state.request,
    status: state.status,
    phase: phaseOf(state),
    startedBy: state.startedBy,
    notBefore: state.notBefore ?? null,
    cancelled: state.cancelled ?? null,
    error: state.error ?? null,
    counts: { total, pending: Math.max(0, total - done), succeeded: counts.succeeded, failed: counts.failed, skipped: counts.skipped },
    skippedBy: counts.skippedBy ?? {},
    items: items.items.map((i) => ({ eid: i.eid, outcome: i.outcome?.outcome ?? 'pending', ...(i.outcome && i.outcome.outcome !== 'succeeded' && { code: i.outcome.code, reason: i.outcome.reason }) })),
    ...(items.nextCursor && { nextCursor: items.nextCursor }),
    version,
  };
};
