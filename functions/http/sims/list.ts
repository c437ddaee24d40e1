import { config, dynamodb } from '../../lambda/wiring.ts';
import { listSims, listSimsAmong, overCapEids } from '../../../adapters/read-models/queries.ts';
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';
import { SimsQuery } from './requests.ts';

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
}, SimsQuery);
