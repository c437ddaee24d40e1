import type { BulkState } from '../../../domain/bulk/decider.ts';
import { bulkStream } from '../../../application/stream-ids.ts';
import { bulkView } from '../../../application/views/bulk-operations.ts';
import { bulkItems } from '../../lambda/bulk-wiring.ts';
import type { HttpRequest } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { pathParam } from '../path-params.ts';
import { etag, json } from '../responses.ts';

export const bulkParam = (request: HttpRequest) => pathParam(request, 'bulkId');

/** The operation's view with its counts and a page of its items; 404 when the tenant has no such operation. */
export const respondWith = async (tenant: string, state: BulkState, version: number, q: { outcome?: string | undefined; limit: number; cursor?: string | undefined }) => {
  if (state.status === 'none') throw problem(404, 'bulk-operation-not-found', 'bulk operation not found');
  const key = bulkStream(tenant, state.bulkId);
  const [counts, page] = await Promise.all([
    bulkItems.counts(key),
    q.limit === 0 ? { items: [] } : bulkItems.page(key, { outcome: q.outcome as never, limit: q.limit, after: q.cursor }),
  ]);
  const next = 'next' in page && page.next ? Buffer.from(page.next).toString('base64url') : undefined;
  const view = bulkView(state, counts, { items: page.items, nextCursor: next }, version);
  return json(200, view, { etag: state.status === 'running' ? `W/"${version}.${counts.succeeded + counts.failed + counts.skipped}"` : etag(version) });
};
