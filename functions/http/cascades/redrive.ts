import { cascadeDecider } from '../../../domain/cascade/decider.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { cascadeStream } from '../../../application/stream-ids.ts';
import { httpHandler } from '../http-handler.ts';
import { commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { cascadeParam } from './read.ts';
import { cascadeView } from '../../../application/views/cascades.ts';

/**
 * POST /v1/cascades/{cascadeId}/redrive: runs the cascade again for the MNOs that did not succeed
 * (the `start-cascade` rule starts the new round's execution from the CascadeRedriven event).
 */
export const handler = httpHandler('POST /v1/cascades/{cascadeId}/redrive', async (request) => {
  const tenant = request.caller.tenant;
  const cascadeId = cascadeParam(request);
  const { state, head } = await executeCommand(adapters.eventStore, cascadeDecider, cascadeStream(tenant, cascadeId), { type: 'RedriveCascade' }, commandContext(request));
  return json(202, cascadeView(state, head.version), { etag: etag(head.version) });
});
