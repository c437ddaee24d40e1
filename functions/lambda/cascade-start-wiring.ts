import { SFNClient } from '@aws-sdk/client-sfn';
import { logger } from '../../adapters/observability/logger.ts';
import { startCascadeExecution } from '../../adapters/step-functions/cascade-executions.ts';
import type { StartCascade } from '../../application/cascades/record.ts';
import { env } from './wiring.ts';

let sfn: SFNClient | undefined;

/**
 * For the entry points that record cascades on a user's or a SIM's behalf (publishing a policy,
 * planning a SIM's cascade): their first execution started at once, rather than when the
 * CascadeStarted event has gone round the stream, the bus and the `start-cascade` rule (which
 * starts it too, harmlessly, and alone when this start fails). Undefined where no state machine is
 * given (the unit tier): the rule alone starts them.
 */
export const startCascade: StartCascade | undefined = env.CASCADE_STATE_MACHINE_ARN
  ? async (tenant, cascadeId) => {
      try {
        await startCascadeExecution((sfn ??= new SFNClient({})), env.CASCADE_STATE_MACHINE_ARN!, tenant, cascadeId);
      } catch (error) {
        logger.warn('cascade not started at once: the start-cascade rule starts it', { tenant, cascadeId, error: (error as Error).name });
      }
    }
  : undefined;
