import { SFNClient } from '@aws-sdk/client-sfn';
import { startCascadeExecution } from '../../adapters/step-functions/cascade-executions.ts';
import { BusEvent } from '../../application/bus-events.ts';
import { required } from '../../manifest/environment.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { env } from '../lambda/wiring.ts';

const sfn = new SFNClient({});
const stateMachineArn = required(env, 'CASCADE_STATE_MACHINE_ARN', 'this function starts cascade executions');

/**
 * Rule `start-cascade`: CascadeStarted, CascadeRedriven or CascadeResumed → the cascade's execution,
 * named after the cascade, round and attempt, so an event delivered twice starts one execution.
 */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const data = (event.detail.data ?? {}) as { cascadeId?: string; round?: number; attempt?: number };
  const cascadeId = data.cascadeId ?? /#CASCADE#(.+)$/.exec(event.detail.streamId)?.[1];
  if (!cascadeId || !event.detail.tenant) throw new Error(`${event['detail-type']} ${event.id} names no cascade`);
  await startCascadeExecution(sfn, stateMachineArn, event.detail.tenant, cascadeId, data.round ?? 1, data.attempt ?? 0);
});
