import type * as z from '../../../domain/zod-mini.ts';
import type { BulkOperationStarted } from '../../../application/views/bulk-operations.schema.ts';
import { startBulkOperation } from '../../../application/bulk/start.ts';
import { bulkDecider } from '../../../domain/bulk/decider.ts';
import { BulkRequest } from '../../../domain/bulk/request.ts';
import { executeCommand } from '../../../application/command.ts';
import { bulkStream } from '../../../application/stream-ids.ts';
import { adapters } from '../../lambda/wiring.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { WithReason } from '../reason.ts';
import { json } from '../responses.ts';
import { bulkParam, respondWith } from './params.ts';

/**
 * POST /v1/bulk-operations `{ action, selector, ...parameters }` → 202 and the operation's id (its
 * Location): each selected SIM of the tenant gets the command one request for it would, in chunks
 * of a Distributed Map. A bad action, selector or parameter is a 400 that appends nothing; an MNO
 * the enterprise has not chosen, or an earlier operation it does not have, too.
 */
export const start = idempotentHandler('POST /v1/bulk-operations', async (request) => {
  const body = bodyOf(request, BulkRequest);
  const { state, head } = await startBulkOperation(adapters.eventStore, request.caller.tenant, body, commandContext(request));
  if (state.status === 'none') throw new Error('a started operation has a state');
  const started = { id: state.bulkId, status: state.status, action: state.request.action, startedBy: state.startedBy, version: head.version } satisfies z.output<typeof BulkOperationStarted>;
  return json(202, started, { location: `/v1/bulk-operations/${state.bulkId}` });
});

/**
 * POST /v1/bulk-operations/{bulkId}/cancel `{ reason? }`: chunks not yet run skip their SIMs
 * (`cancelled`); what ran stays done. 409 once the operation has ended.
 */
export const cancel = idempotentHandler('POST /v1/bulk-operations/{bulkId}/cancel', async (request) => {
  const bulkId = bulkParam(request);
  const { reason } = bodyOf(request, WithReason, {});
  const context = commandContext(request);
  const { state, head } = await executeCommand(adapters.eventStore, bulkDecider, bulkStream(request.caller.tenant, bulkId), { type: 'CancelBulkOperation', by: context.actor, reason }, context);
  return respondWith(request.caller.tenant, state, head.version, { limit: 0 });
});
