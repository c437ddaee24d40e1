import { simDecider } from '../../../domain/sim/decider.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { httpHandler } from '../http-handler.ts';
import { bodyOf, commandContext, eidParam } from '../request.ts';
import { etag, json } from '../responses.ts';
import { simView } from '../../../application/views/sims.ts';
import { SetLabels } from './requests.ts';

/**
 * PUT /v1/sims/{eid}/labels `{ labels }`: the SIM's labels, all of them (replacing the ones it had;
 * the same set again changes nothing). Lists filter on them (`GET /v1/sims?label=`).
 */
export const handler = httpHandler('PUT /v1/sims/{eid}/labels', async (request) => {
  const eid = eidParam(request);
  const { labels } = bodyOf(request, SetLabels);
  const context = commandContext(request);
  const { state, head } = await executeCommand(adapters.eventStore, simDecider, simStream(request.caller.tenant, eid), { type: 'SetSimLabels', actor: context.actor, labels }, context);
  return json(200, simView(state, head.version), { etag: etag(head.version) });
});
