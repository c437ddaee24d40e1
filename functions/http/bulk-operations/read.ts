import { bulkDecider } from '../../../domain/bulk/decider.ts';
import { loadState } from '../../../application/load-state.ts';
import { bulkStream } from '../../../application/stream-ids.ts';
import { listBulkOperations } from '../../../adapters/read-models/queries.ts';
import { adapters, config, dynamodb } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';
import { bulkParam, respondWith } from './params.ts';
import { ItemsQuery, ListQuery } from './requests.ts';

/**
 * GET /v1/bulk-operations/{bulkId}[?outcome=&limit=&cursor=]: status, phase, counts (`total`,
 * `pending`, `succeeded`, `failed`, `skipped`) and a page of per-SIM outcomes in manifest order
 * (`outcome=failed` for the failures, each with its code and reason). `limit=0` for counts only.
 */
export const get = httpHandler(
  'GET /v1/bulk-operations/{bulkId}',
  async (request) => {
    const { state, head } = await loadState(adapters.eventStore, bulkDecider, bulkStream(request.caller.tenant, bulkParam(request)));
    return respondWith(request.caller.tenant, state, head.version, request.query);
  },
  ItemsQuery,
);

/** GET /v1/bulk-operations[?status=&limit=&cursor=]: the tenant's operations, newest first, from the read model (eventually consistent; counts on each operation's own page). */
export const list = httpHandler(
  'GET /v1/bulk-operations',
  async (request) => {
    const { cursor, ...filters } = request.query;
    return json(200, await listBulkOperations(dynamodb, config.readModelsTable, request.caller.tenant, { ...filters, after: cursor }));
  },
  ListQuery,
);
