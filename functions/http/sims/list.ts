import * as z from '../../../domain/zod-mini.ts';
import { MnoId } from '../../../domain/identifiers/index.ts';
import { config, dynamodb } from '../../lambda/wiring.ts';
import { listSims, listSimsAmong, overCapEids } from '../../../adapters/read-models/queries.ts';
import { httpHandler } from '../http-handler.ts';
import { positiveInteger } from '../integers.ts';
import { cursorParam } from '../cursor.ts';
import { json } from '../responses.ts';

const Query = z.object({
  state: z.optional(z.enum(['inventory', 'active', 'suspended', 'terminated'])),
  mno: z.optional(MnoId),
  /** SIMs whose enabled profile is on this MNO. */
  enabledOn: z.optional(MnoId),
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** `true`: only SIMs over their data or SMS cap this cycle (an open usage-over-cap alert). */
  overCap: z.optional(z.literal('true', { error: 'overCap is true, or left out' })),
  limit: z._default(positiveInteger(100), 50),
  cursor: cursorParam(/^\d{32}$/, 64),
});

/**
 * GET /v1/sims[?state=&mno=&enabledOn=&label=&overCap=true&limit=&cursor=]: the tenant's SIMs in EID order, from the read
 * model (eventually consistent: a command shows here once the projector has seen it). `nextCursor`
 * is present while more may follow; a page can hold fewer than `limit` items when a filter
 * matches few SIMs.
 */
export const handler = httpHandler('GET /v1/sims', async (request) => {
  const { cursor, overCap, ...filters } = request.query;
  const { tenant } = request.caller;
  if (overCap) return json(200, await listSimsAmong(dynamodb, config.readModelsTable, tenant, await overCapEids(dynamodb, config.readModelsTable, tenant), { ...filters, after: cursor }));
  return json(200, await listSims(dynamodb, config.readModelsTable, tenant, { ...filters, after: cursor }));
}, Query);
