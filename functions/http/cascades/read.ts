import { z } from 'zod';
import { CascadeId } from '../../../domain/policy/identifiers.ts';
import { eventStore } from '../../config.ts';
import { liveCascade } from '../../cascades.ts';
import { httpHandler, type HttpRequest } from '../http-handler.ts';
import { problem, validationProblem } from '../problem.ts';
import { etag, json } from '../responses.ts';
import { cascadeView } from './representation.ts';

export const cascadeParam = (request: HttpRequest) => {
  const id = CascadeId.safeParse(request.pathParameters?.cascadeId);
  if (!id.success) throw validationProblem(id.error, '/path/cascadeId');
  return id.data;
};

/** GET /v1/cascades/{cascadeId}: rebuilt from the cascade's events, and its running round's targets' own. */
export const get = httpHandler('GET /v1/cascades/{cascadeId}', async (request) => {
  const { state, head } = await liveCascade(eventStore, request.caller.tenant, cascadeParam(request));
  const view = cascadeView(state, head.version);
  if (!view) throw problem(404, 'cascade-not-found', 'cascade not found');
  return json(200, view, { etag: etag(head.version) });
});
