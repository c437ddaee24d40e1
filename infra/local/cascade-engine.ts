import type { Server } from 'node:http';
import { join } from 'node:path';
import type { RunOptions } from 'aws-local-stepfunctions';
import { BULK_DEFINITION } from '../../manifest/bulk-workflow.ts';
import { substitute } from '../../manifest/cascade-workflow.ts';
import { TASK_ENTRY_POINTS } from '../../manifest/entry-points.ts';
import { invoke } from './entry-points.ts';
import { LocalStepFunctionsEngine } from './step-functions/engine.ts';
import { ExecutionJournal } from './step-functions/journal.ts';
import { stepFunctionsEndpoint } from './step-functions/endpoint.ts';

/**
 * The state machines on the local engine (the cascade's and the bulk operations'): the shared ASL,
 * with each Task state running the Lambda handler CDK deploys behind it, and the Step Functions
 * endpoint the handlers call. With `journalDir`, executions are kept there across restarts
 * (step-functions/journal.ts). The bulk operations' Distributed Map runs its children inline here
 * (the engine reads no ProcessorConfig) and ignores ToleratedFailurePercentage: a chunk that fails
 * after its retries fails the Map, whose Catch completes the operation with that chunk's SIMs (and
 * those of chunks not yet run) failed — the one difference from AWS, where the other chunks run on.
 */
export const startCascadeEngine = async (overrides: RunOptions['overrides'] = {}, journalDir?: string) => {
  const engine = new LocalStepFunctionsEngine(overrides);
  const arns = Object.fromEntries(TASK_ENTRY_POINTS.map((t) => [t.trigger.substitution, `arn:aws:lambda:local:000000000000:function:${t.id}`]));
  const machineOf = (machine: 'cascade' | 'bulk', definition?: object) => {
    const tasks = Object.fromEntries(TASK_ENTRY_POINTS.filter((t) => t.trigger.machine === machine).map((t) => [t.trigger.task, (input: unknown) => invoke(t, input)]));
    const name = `switchboard-${machine}`;
    return engine.register(name, substitute(arns, definition), tasks, journalDir ? new ExecutionJournal(join(journalDir, `${name}.ndjson`)) : undefined);
  };
  const machine = machineOf('cascade');
  const bulk = machineOf('bulk', BULK_DEFINITION);
  const server: Server = stepFunctionsEndpoint(engine);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    engine,
    endpoint,
    stateMachineArn: machine.arn,
    bulkStateMachineArn: bulk.arn,
    stop: async () => {
      engine.stopAll();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
};
