import { adapters } from '../../lambda/wiring.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { eidParam } from '../request.ts';
import { json } from '../responses.ts';

/** GET /v1/sims/{eid}/audit: verifies the SIM's hash chain from its first commit to its head. */
export const handler = httpHandler('GET /v1/sims/{eid}/audit', async (request) => {
  const eid = eidParam(request);
  const result = await adapters.eventStore.verify(simStream(request.caller.tenant, eid));
  if (result.commits === 0) throw problem(404, 'sim-not-found', 'SIM not found');
  return json(200, result);
});
