import { BulkOperationPage, BulkOperationStarted, BulkOperationView } from '../../../../application/views/bulk-operations.schema.ts';
import { BulkRequest } from '../../../../domain/bulk/request.ts';
import { ItemsQuery, ListQuery } from '../../bulk-operations/requests.ts';
import { WithReason } from '../../reason.ts';
import { named, type Operations } from '../operation.ts';

const BulkOperation = named('BulkOperation', BulkOperationView);

export const BULK_OPERATIONS = {
  'POST /v1/bulk-operations': {
    operationId: 'startBulkOperation',
    summary: 'Start a bulk operation over many SIMs',
    description:
      '`{ action, selector, ...parameters }`: each SIM the selector picks (EIDs named one by one, an earlier operation’s SIMs with an outcome, or a filter of label, state, MNO, enabledOn) gets the command one request for it would ' +
      '(activate, suspend, resume, set-labels, enable-profile, order-profile), worked through in chunks. Answers 202 at once with the operation’s id; follow it at its Location. ' +
      'A bad action, selector or parameter, an MNO the enterprise has not chosen, or an earlier operation it does not have is a 400 and starts nothing. ' +
      'A SIM the tenant does not have is reported `failed` (`sim-not-found`) among the items, never looked up elsewhere.',
    tag: 'Bulk operations',
    body: named('StartBulkOperation', BulkRequest),
    ifMatch: true,
    responses: { 202: { description: 'Started: its id and status; its progress is at Location', body: named('BulkOperationStarted', BulkOperationStarted), headers: ['location'] } },
    problems: ['mno-not-chosen', 'unknown-operation'],
  },
  'GET /v1/bulk-operations': {
    operationId: 'listBulkOperations',
    summary: 'The tenant’s bulk operations, newest first',
    description:
      'What each asked, who started it, its status and, once ended, its counts; from the read model (eventually consistent: an operation’s own page has its live counts).',
    tag: 'Bulk operations',
    query: ListQuery,
    responses: { 200: { description: 'A page of operations; `nextCursor` is the next page’s `cursor`', body: named('BulkOperationPage', BulkOperationPage) } },
  },
  'GET /v1/bulk-operations/{bulkId}': {
    operationId: 'getBulkOperation',
    summary: 'A bulk operation, its counts and its items',
    description:
      'Status, phase, counts (`total`, `pending`, `succeeded`, `failed`, `skipped`, and the skips by code) and a page of per-SIM outcomes in manifest order: `outcome=failed` for the failures, each with its code and reason; `limit=0` for the counts only. ' +
      'While it runs the ETag is weak (`W/"<version>.<items done>"`), so it changes as items complete.',
    tag: 'Bulk operations',
    query: ItemsQuery,
    responses: { 200: { description: 'The operation with a page of its items; `nextCursor` is the next page’s `cursor`', body: BulkOperation, headers: ['etag'] } },
    problems: ['bulk-operation-not-found'],
  },
  'POST /v1/bulk-operations/{bulkId}/cancel': {
    operationId: 'cancelBulkOperation',
    summary: 'Cancel a bulk operation',
    description:
      '`{ reason? }`: chunks not yet run skip their SIMs (`cancelled`); what ran stays done. Cancelling a cancelled operation again changes nothing; one that has ended otherwise is a 409. Answers the operation with its counts (no items).',
    tag: 'Bulk operations',
    body: named('Reason', WithReason),
    bodyOptional: true,
    ifMatch: true,
    responses: { 200: { description: 'The operation as it now is (counts only)', body: BulkOperation, headers: ['etag'] } },
    problems: ['bulk-operation-not-found', 'bulk-operation-ended'],
  },
} satisfies Operations;
