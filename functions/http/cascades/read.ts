import { adapters } from '../../lambda/wiring.ts';
import { liveCascade } from '../../../application/cascades/live.ts';
import { httpHandler, type HttpRequest } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { pathParam } from '../path-params.ts';
import { etag, json } from '../responses.ts';
import { cascadeView } from '../../../application/views/cascades.ts';

export const cascadeParam = (request: HttpRequest) => pathParam(request, 'cascadeId');

/**
 * GET /v1/cascades/{cascadeId}: rebuilt from the cascade's events, and its running round's
 * targets' own. `version` and, once a round has completed, the ETag are the cascade stream's (what
 * If-Match on redrive pins); while a round runs the body changes with every step, so the ETag is
 * weak and counts the steps too.
 */
export const get = httpHandler('GET /v1/cascades/{cascadeId}', async (request) => {
  const { state, head, progress } = await liveCascade(adapters.eventStore, request.caller.tenant, cascadeParam(request));
  const view = cascadeView(state, head.version);
  if (!view) throw problem(404, 'cascade-not-found', 'cascade not found');
  return json(200, view, { etag: view.status === 'running' ? `W/"${head.version}.${progress}"` : etag(head.version) });
});
