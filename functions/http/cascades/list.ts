import * as z from '../../../domain/zod-mini.ts';
import { config, dynamodb } from '../../lambda/wiring.ts';
import { CASCADE_SORT_KEY, listCascades } from '../../../adapters/read-models/queries.ts';
import { httpHandler } from '../http-handler.ts';
import { positiveInteger } from '../integers.ts';
import { cursorParam } from '../cursor.ts';
import { json } from '../responses.ts';

const Query = z.object({
  status: z.optional(z.enum(['running', 'succeeded', 'partial', 'failed', 'superseded'])),
  limit: z._default(positiveInteger(100), 20),
  cursor: cursorParam(CASCADE_SORT_KEY),
});

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
}, Query);
