import { z } from 'zod';
import { cascadeDecider } from '../../../domain/cascade/decider.ts';
import { CascadeId } from '../../../domain/policy/identifiers.ts';
import { cascadeIndexDecider } from '../../../domain/cascade/index-decider.ts';
import { eventStore } from '../../config.ts';
import { cascadeIndexStream, cascadeStream } from '../../event-store/stream-ids.ts';
import { loadState } from '../../load-state.ts';
import { httpHandler, type HttpRequest } from '../http-handler.ts';
import { problem, validationProblem } from '../problem.ts';
import { etag, json } from '../responses.ts';
import { cascadeView } from './representation.ts';

export const cascadeParam = (request: HttpRequest) => {
  const id = CascadeId.safeParse(request.pathParameters?.cascadeId);
  if (!id.success) throw validationProblem(id.error, '/path/cascadeId');
  return id.data;
};

/** GET /v1/cascades/{cascadeId}: rebuilt from the cascade's events. */
export const get = httpHandler('GET /v1/cascades/{cascadeId}', async (request) => {
  const { state, head } = await loadState(eventStore, cascadeDecider, cascadeStream(request.caller.tenant, cascadeParam(request)));
  const view = cascadeView(state, head.version);
  if (!view) throw problem(404, 'cascade-not-found', 'cascade not found');
  return json(200, view, { etag: etag(head.version) });
});

const ListQuery = z.object({
  status: z.enum(['running', 'succeeded', 'partial', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * GET /v1/cascades[?status=running][&limit=]: the tenant's cascades, newest first, filtered by
 * status. Until the read models land, this folds cascades' streams newest first until the page is full.
 */
export const list = httpHandler('GET /v1/cascades', async (request) => {
  const query = ListQuery.safeParse(request.queryStringParameters ?? {});
  if (!query.success) throw validationProblem(query.error, '/query');
  const tenant = request.caller.tenant;
  const { state: ids } = await loadState(eventStore, cascadeIndexDecider, cascadeIndexStream(tenant));
  // Newest first, folding only as many cascades as it takes to fill the page.
  const views: NonNullable<ReturnType<typeof cascadeView>>[] = [];
  for (let i = ids.length - 1; i >= 0 && views.length < query.data.limit; i -= 10) {
    const batch = ids.slice(Math.max(0, i - 9), i + 1).reverse();
    const loaded = await Promise.all(batch.map(async (id) => {
      const { state, head } = await loadState(eventStore, cascadeDecider, cascadeStream(tenant, id));
      return cascadeView(state, head.version);
    }));
    for (const v of loaded) if (v && (!query.data.status || v.status === query.data.status) && views.length < query.data.limit) views.push(v);
  }
  return json(200, { items: views });
});
