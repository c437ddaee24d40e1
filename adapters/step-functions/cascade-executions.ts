import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { CascadeInput } from '../../application/cascades/work.ts';

/**
 * Starts the cascade state machine for one round of a cascade. The execution is named after the
 * cascade (and round), so a repeated start is harmless: Step Functions refuses a second execution
 * of that name (ExecutionAlreadyExists, once the first has finished, or returns the running one).
 */
export const startCascadeExecution = async (sfn: SFNClient, stateMachineArn: string, tenant: string, cascadeId: string, round = 1) => {
  const input: CascadeInput = { tenant, cascadeId, round };
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: round === 1 ? cascadeId : `${cascadeId}-r${round}`, input: JSON.stringify(input) }));
  } catch (error) {
    // That execution ran already (a repeated start after it finished): nothing to do.
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
};
