import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** A bulk operation's execution name: the operation and the attempt (a resumed one is the next attempt). */
export const bulkExecutionName = (bulkId: string, attempt: number) => `${bulkId}-a${attempt}`;

/**
 * Starts the bulk operations' state machine for one operation. Named after it, so a repeated start
 * (the event delivered twice) starts nothing more.
 */
export const startBulkExecution = async (sfn: SFNClient, stateMachineArn: string, input: { tenant: string; bulkId: string; attempt: number; notBefore?: string | undefined }) => {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: bulkExecutionName(input.bulkId, input.attempt), input: JSON.stringify(input) }));
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
};
