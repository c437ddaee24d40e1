import { simDecider } from '../../../domain/sim/decider.ts';
import { adapters } from '../../lambda/wiring.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { loadState } from '../../../application/load-state.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { eidParam } from '../request.ts';
import { etag, json } from '../responses.ts';
import { simView } from '../../../application/views/sims.ts';
import { SimQuery } from './requests.ts';

/** GET /v1/sims/{eid}[?at=<RFC 3339>]: the SIM now, or as it was at a time. */
export const handler = httpHandler('GET /v1/sims/{eid}', async (request) => {
  const eid = eidParam(request);
  const { at } = request.query;
  const { state, head } = await loadState(adapters.eventStore, simDecider, simStream(request.caller.tenant, eid), at === undefined ? {} : { at });
  const view = simView(state, head.version);
  if (!view) throw problem(404, 'sim-not-found', 'SIM not found');
  return json(200, view, { etag: etag(head.version) });
}, SimQuery);
