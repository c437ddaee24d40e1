import { mnoDecider } from '../../../domain/mno/decider.ts';
import { adapters } from '../../lambda/wiring.ts';
import { mnoStream } from '../../../application/stream-ids.ts';
import { loadState } from '../../../application/load-state.ts';
import { listedMnoIds } from '../../../application/mnos.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { mnoParam } from '../request.ts';
import { etag, json } from '../responses.ts';
import { mnoView } from '../../../application/views/mnos.ts';

/** GET /v1/mnos: every registered MNO with its status and whether it may get work. */
export const list = httpHandler('GET /v1/mnos', async (request) => {
  const platform = request.caller.scopes.has('platform:admin');
  const ids = await listedMnoIds(adapters.eventStore);
  const items = await Promise.all(
    ids.map(async (id) => {
      const { state, head } = await loadState(adapters.eventStore, mnoDecider, mnoStream(id));
      return mnoView(state, head.version, platform);
    }),
  );
  return json(200, { items: items.filter(Boolean) });
});

/** GET /v1/mnos/{mnoId} */
export const get = httpHandler('GET /v1/mnos/{mnoId}', async (request) => {
  const { state, head } = await loadState(adapters.eventStore, mnoDecider, mnoStream(mnoParam(request)));
  const view = mnoView(state, head.version, request.caller.scopes.has('platform:admin'));
  if (!view) throw problem(404, 'mno-not-found', 'MNO not found');
  return json(200, view, { etag: etag(head.version) });
});
