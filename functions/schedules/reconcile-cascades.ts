import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { openBulkOperations, openCascades } from '../../adapters/read-models/queries.ts';
import { bulkExecutionName, startBulkExecution } from '../../adapters/step-functions/bulk-executions.ts';
import { reconcileBulkOperations } from '../../application/bulk/reconcile.ts';
import { describeExecution, startCascadeExecution } from '../../adapters/step-functions/cascade-executions.ts';
import { reconcileCascades } from '../../application/cascades/reconcile.ts';
import { BULK_EXECUTION_TIMEOUT_MS } from '../../manifest/bulk-workflow.ts';
import { CASCADE_EXECUTION_TIMEOUT_MS } from '../../manifest/cascade-workflow.ts';
import { required } from '../../manifest/environment.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { wherePublishing } from '../lambda/lease-wiring.ts';
import { adapters, config, dynamodb, env } from '../lambda/wiring.ts';

const sfn = new SFNClient({});
const stateMachineArn = required(env, 'CASCADE_STATE_MACHINE_ARN', 'the reconciler checks and starts cascade executions');
const bulkStateMachineArn = required(env, 'BULK_STATE_MACHINE_ARN', 'the reconciler checks and starts bulk operations’ executions');

/** A scheduled event (EventBridge) or a local tick: only its id is used, to name the run in the log. */
const Tick = z.looseObject({ id: z.optional(z.string()) });

/**
 * Every minute (the `reconcile-cascades` schedule; locally at start-up and every minute): each
 * running cascade without a live execution is resumed (application/cascades/reconcile.ts).
 */
/** What the two reconciliations share: the store, the region, the clock and the waits (manifest/environment.ts). */
const common = () => ({ store: adapters.eventStore, region: config.region, now: () => Date.now(), graceMs: env.CASCADE_RESUME_GRACE_MS, settleMs: env.CASCADE_RESUME_SETTLE_MS });

/** What a run did, where operators see it. */
const report = (what: string, run: { resumed: unknown[]; stuck: unknown[]; errors: unknown[] }) => {
  if (run.resumed.length > 0) logger.warn(`${what} resumed`, { resumed: run.resumed });
  if (run.stuck.length > 0) logger.error(`${what} stuck: resumed too often, left for an operator`, { stuck: run.stuck });
  if (run.errors.length > 0) logger.warn(`${what} not checked this time`, { errors: run.errors });
};

/** Only in the region holding the publishing lease; the other stands by. */
export const handler = lambdaHandler(Tick, wherePublishing(async (lease) => {
  const result = await reconcileCascades({
    ...common(),
    leaseSinceMs: lease.sinceMs,
    open: () => openCascades(dynamodb, config.readModelsTable),
    execution: (name) => describeExecution(sfn, stateMachineArn, name),
    start: (tenant, cascadeId, round, attempt) => startCascadeExecution(sfn, stateMachineArn, tenant, cascadeId, round, attempt),
    executionTimeoutMs: CASCADE_EXECUTION_TIMEOUT_MS,
  });
  report('cascades', result);
  // Bulk operations whose execution was lost, the same way (application/bulk/reconcile.ts).
  const bulk = await reconcileBulkOperations({
    ...common(),
    leaseSinceMs: lease.sinceMs,
    open: () => openBulkOperations(dynamodb, config.readModelsTable),
    execution: (bulkId, attempt) => describeExecution(sfn, bulkStateMachineArn, bulkExecutionName(bulkId, attempt)),
    start: (input) => startBulkExecution(sfn, bulkStateMachineArn, input),
    executionTimeoutMs: BULK_EXECUTION_TIMEOUT_MS,
  });
  report('bulk operations', bulk);
  return { ...result, bulk };
}));
