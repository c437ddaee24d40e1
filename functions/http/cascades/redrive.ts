import { redriveCascade } from '../../../application/cascades/redrive.ts';
import { adapters } from '../../lambda/wiring.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { cascadeParam } from './read.ts';
import { cascadeView } from '../../../application/views/cascades.ts';

/**
 * POST /v1/cascades/{cascadeId}/redrive: runs the cascade again for the MNOs that did not succeed
 * (application/cascades/redrive.ts); a cascade a newer change superseded is refused (409
 * `cascade-superseded`, naming it).
 */
export const handler = idempotentHandler('POST /v1/cascades/{cascadeId}/redrive', async (request) => {
  const tenant = request.caller.tenant;
  const cascadeId = cascadeParam(request);
  const { state, head } = await redriveCascade(adapters.eventStore, tenant, cascadeId, commandContext(request));
  return json(202, cascadeView(state, head.version), { etag: etag(head.version) });
});
