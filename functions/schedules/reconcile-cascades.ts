import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { logger } from '../../adapters/observability/logger.ts';
import { traced } from '../../adapters/observability/tracer.ts';
import { openBulkOperations, openCascades } from '../../adapters/read-models/queries.ts';
import { bulkExecutionName, startBulkExecution } from '../../adapters/step-functions/bulk-executions.ts';
import { reconcileBulkOperations } from '../../application/bulk/reconcile.ts';
import { describeExecution, startCascadeExecution } from '../../adapters/step-functions/cascade-executions.ts';
import { reconcileCascades } from '../../application/cascades/reconcile.ts';
import { BULK_EXECUTION_TIMEOUT_MS } from '../../manifest/bulk-workflow.ts';
import { CASCADE_EXECUTION_TIMEOUT_MS } from '../../manifest/cascade-workflow.ts';
import { required } from '../../manifest/environment.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, config, dynamodb, env } from '../lambda/wiring.ts';

const sfn = traced(new SFNClient({}));
const stateMachineArn = required(env, 'CASCADE_STATE_MACHINE_ARN', 'the reconciler checks and starts cascade executions');
const bulkStateMachineArn = required(env, 'BULK_STATE_MACHINE_ARN', 'the reconciler checks and starts bulk operations’ executions');

/** A scheduled event (EventBridge) or a local tick: only its id is used, to name the run in the log. */
const Tick = z.looseObject({ id: z.optional(z.string()) });

/**
 * Every minute (the `reconcile-cascades` schedule; locally at start-up and every minute): each
 * running cascade without a live execution is resumed (application/cascades/reconcile.ts).
 */
export const handler = lambdaHandler(Tick, async () => {
  const result = await reconcileCascades({
    store: adapters.eventStore,
    open: () => openCascades(dynamodb, config.readModelsTable),
    execution: (name) => describeExecution(sfn, stateMachineArn, name),
    start: (tenant, cascadeId, round, attempt) => startCascadeExecution(sfn, stateMachineArn, tenant, cascadeId, round, attempt),
    region: config.region,
    now: () => Date.now(),
    graceMs: env.CASCADE_RESUME_GRACE_MS,
    settleMs: env.CASCADE_RESUME_SETTLE_MS,
    executionTimeoutMs: CASCADE_EXECUTION_TIMEOUT_MS,
  });
  if (result.resumed.length > 0) logger.warn('cascades resumed', { resumed: result.resumed });
  if (result.stuck.length > 0) logger.error('cascades stuck: resumed too often, left for an operator', { stuck: result.stuck });
  if (result.errors.length > 0) logger.warn('cascades not checked this time', { errors: result.errors });
  // Bulk operations whose execution was lost, the same way (application/bulk/reconcile.ts).
  const bulk = await reconcileBulkOperations({
    store: adapters.eventStore,
    open: () => openBulkOperations(dynamodb, config.readModelsTable),
    execution: (bulkId, attempt) => describeExecution(sfn, bulkStateMachineArn, bulkExecutionName(bulkId, attempt)),
    start: (input) => startBulkExecution(sfn, bulkStateMachineArn, input),
    region: config.region,
    now: () => Date.now(),
    graceMs: env.CASCADE_RESUME_GRACE_MS,
    settleMs: env.CASCADE_RESUME_SETTLE_MS,
    executionTimeoutMs: BULK_EXECUTION_TIMEOUT_MS,
  });
  if (bulk.resumed.length > 0) logger.warn('bulk operations resumed', { resumed: bulk.resumed });
  if (bulk.stuck.length > 0) logger.error('bulk operations stuck: resumed too often, left for an operator', { stuck: bulk.stuck });
  if (bulk.errors.length > 0) logger.warn('bulk operations not checked this time', { errors: bulk.errors });
  return { ...result, bulk };
});
