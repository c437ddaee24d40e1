import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { CascadeInput } from '../../application/cascades/work.ts';
import { executionName } from '../../domain/cascade/process.ts';

/**
 * Starts the cascade state machine for one round (and attempt) of a cascade. The execution is
 * named after them (domain/cascade/process.ts `executionName`), so a repeated start is harmless:
 * Step Functions refuses a second execution of that name (ExecutionAlreadyExists, once the first
 * has finished, or returns the running one).
 */
export const startCascadeExecution = async (sfn: SFNClient, stateMachineArn: string, tenant: string, cascadeId: string, round = 1, attempt = 0) => {
  const input: CascadeInput = { tenant, cascadeId, round, attempt };
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName(cascadeId, round, attempt), input: JSON.stringify(input) }));
  } catch (error) {
    // That execution ran already (a repeated start after it finished): nothing to do.
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
};

/** An execution's ARN: the state machine's, with `execution` for `stateMachine` and its name after. */
export const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** An execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE) and when it stopped, or undefined when there is none of that name. */
export const describeExecution = async (sfn: SFNClient, stateMachineArn: string, name: string): Promise<{ status: string; stopDate?: Date | undefined } | undefined> => {
  try {
    const { status, stopDate } = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, name) }));
    return { status: status ?? 'UNKNOWN', stopDate };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
};
