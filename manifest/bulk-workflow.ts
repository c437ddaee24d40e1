import { BULK_ITEMS_WRITE, READ_MODEL_LISTS, type Access } from './access.ts';
import definition from './bulk.asl.json' with { type: 'json' };

/**
 * The bulk operations' state machine, one definition for the CDK app and the local engine: its ASL
 * (a Distributed Map over the manifest's chunks) and, for each Task state, the Lambda handler
 * behind it (module under functions/bulk).
 */
export const BULK_DEFINITION = definition;

export const BULK_EXECUTION_TIMEOUT_MS = definition.TimeoutSeconds * 1000;

export const BULK_TASKS = {
  // Reads the operation and the SIMs its selector names (read models, or an earlier operation's items); writes the manifest.
  SelectSims: { substitution: 'SelectSimsFunctionArn', entry: 'select-sims.ts', handler: 'handler', access: { eventStore: 'append', tables: [READ_MODEL_LISTS, BULK_ITEMS_WRITE] } },
  // Each SIM's command appended to its stream; the chunk's outcomes and counts written.
  ProcessChunk: { substitution: 'ProcessChunkFunctionArn', entry: 'process-chunk.ts', handler: 'handler', access: { eventStore: 'append', tables: [BULK_ITEMS_WRITE] } },
  CompleteBulk: { substitution: 'CompleteBulkFunctionArn', entry: 'complete-bulk.ts', handler: 'handler', access: { eventStore: 'append', tables: [BULK_ITEMS_WRITE] } },
} as const satisfies Record<string, { substitution: string; entry: string; handler: string; access: Access }>;

export type BulkTaskName = keyof typeof BULK_TASKS;

type State = { Type: string; TimeoutSeconds?: number; ItemProcessor?: { States: Record<string, State> } };
const statesOf = (states: Record<string, State>): [string, State][] => Object.entries(states).flatMap(([name, s]) => [[name, s] as [string, State], ...(s.ItemProcessor ? statesOf(s.ItemProcessor.States) : [])]);

/**
 * A task's timeout in the ASL, which its function's timeout is set to: Step Functions retries a
 * task it gave up on, and a function that ran on past that would run beside its retry.
 */
export const bulkTaskTimeoutSeconds = (task: BulkTaskName) => {
  const found = statesOf(BULK_DEFINITION.States as unknown as Record<string, State>).find(([name]) => name === task)?.[1].TimeoutSeconds;
  if (!found) throw new Error(`the bulk ASL gives task ${task} no TimeoutSeconds`);
  return found;
};
