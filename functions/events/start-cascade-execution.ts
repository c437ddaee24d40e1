import type { EventBridgeEvent } from 'aws-lambda';
import { startCascadeExecution } from '../cascades.ts';

type CascadeEventDetail = { tenant: string; data: { cascadeId?: string; round?: number } };

/**
 * Rule `start-cascade`: CascadeStarted or CascadeRedriven → the cascade's execution, named after
 * the cascade and round, so an event delivered twice starts one execution.
 */
export const handler = async (event: EventBridgeEvent<string, CascadeEventDetail>) => {
  const cascadeId = event.detail.data.cascadeId ?? /#CASCADE#(.+)$/.exec((event.detail as { streamId?: string }).streamId ?? '')?.[1];
  if (!cascadeId) throw new Error(`${event['detail-type']} ${event.id} names no cascade`);
  await startCascadeExecution(event.detail.tenant, cascadeId, event.detail.data.round ?? 1);
};
