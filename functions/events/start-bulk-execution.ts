import { SFNClient } from '@aws-sdk/client-sfn';
import { traced } from '../../adapters/observability/tracer.ts';
import { startBulkExecution } from '../../adapters/step-functions/bulk-executions.ts';
import { BusEvent } from '../../application/bus-events.ts';
import { required } from '../../manifest/environment.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, env } from '../lambda/wiring.ts';
import { loadState } from '../../application/load-state.ts';
import { bulkStream } from '../../application/stream-ids.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';

const sfn = traced(new SFNClient({}));
const stateMachineArn = required(env, 'BULK_STATE_MACHINE_ARN', 'this function starts bulk operations');

/** Rule `start-bulk`: BulkOperationStarted → the operation's execution (after its hold-down, if it names one). */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const data = (event.detail.data ?? {}) as { bulkId?: string; notBefore?: string };
  if (!data.bulkId || !event.detail.tenant) throw new Error(`${event['detail-type']} ${event.id} names no bulk operation`);
  // A start delivered late (after the reconciler resumed the operation, or after it ended) starts nothing.
  const { state } = await loadState(adapters.eventStore, bulkDecider, bulkStream(event.detail.tenant, data.bulkId));
  if (state.status !== 'running' || state.attempt !== 0) return;
  await startBulkExecution(sfn, stateMachineArn, { tenant: event.detail.tenant, bulkId: data.bulkId, attempt: 0, ...(data.notBefore && { notBefore: data.notBefore }) });
});
