import { SFNClient } from '@aws-sdk/client-sfn';
import { startBulkExecution } from '../../adapters/step-functions/bulk-executions.ts';
import { BusEvent } from '../../application/bus-events.ts';
import { required } from '../../manifest/environment.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { env } from '../lambda/wiring.ts';

const sfn = new SFNClient({});
const stateMachineArn = required(env, 'BULK_STATE_MACHINE_ARN', 'this function starts bulk operations');

/**
 * Rule `start-bulk`: BulkOperationStarted → the operation's execution (after its hold-down, if it
 * names one), attempt 0. A start delivered late (after the reconciler resumed the operation under a
 * later attempt, or after it ended) makes an execution that does nothing: every task checks its
 * attempt against the operation's. So this function reads nothing (and carries no event schemas).
 */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const data = (event.detail.data ?? {}) as { bulkId?: string; notBefore?: string };
  if (!data.bulkId || !event.detail.tenant) throw new Error(`${event['detail-type']} ${event.id} names no bulk operation`);
  await startBulkExecution(sfn, stateMachineArn, { tenant: event.detail.tenant, bulkId: data.bulkId, attempt: 0, ...(data.notBefore && { notBefore: data.notBefore }) });
});
