import { config, dynamodb } from '../../lambda/wiring.ts';
import { listCascades } from '../../../adapters/read-models/queries.ts';
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';
import { CascadesQuery } from './requests.ts';

/**
 * GET /v1/cascades[?status=running][&limit=&cursor=]: the tenant's cascades, newest first, from the
 * read model, with `summary` (targets per status), `startedAt` and `updatedAt`. The read model
 * projects each cascade's own stream: its status, and every target's outcome once a round has
 * completed; while a round runs its targets show as they were when it began (their steps are on
 * their own streams: GET /v1/cascades/{id} shows them live). Eventually consistent; `nextCursor`
 * while more may follow.
 */
export const handler = httpHandler('GET /v1/cascades', async (request) => {
  const { cursor, ...filters } = request.query;
  return json(200, await listCascades(dynamodb, config.readModelsTable, request.caller.tenant, { ...filters, after: cursor }));
}, CascadesQuery);
