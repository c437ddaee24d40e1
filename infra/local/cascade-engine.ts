import type { Server } from 'node:http';
import { join } from 'node:path';
import type { RunOptions } from 'aws-local-stepfunctions';
import { substitute } from '../../manifest/cascade-workflow.ts';
import { TASK_ENTRY_POINTS } from '../../manifest/entry-points.ts';
import { invoke } from './entry-points.ts';
import { LocalStepFunctionsEngine } from './step-functions/engine.ts';
import { ExecutionJournal } from './step-functions/journal.ts';
import { stepFunctionsEndpoint } from './step-functions/endpoint.ts';

/**
 * The cascade state machine on the local engine: the shared ASL, with each Task state running the
 * Lambda handler CDK deploys behind it, and the Step Functions endpoint the handlers call. With
 * `journalDir`, executions are kept there across restarts (step-functions/journal.ts).
 */
export const startCascadeEngine = async (overrides: RunOptions['overrides'] = {}, journalDir?: string) => {
  const engine = new LocalStepFunctionsEngine(overrides);
  const arns = Object.fromEntries(TASK_ENTRY_POINTS.map((t) => [t.trigger.substitution, `arn:aws:lambda:local:000000000000:function:${t.id}`]));
  const tasks = Object.fromEntries(TASK_ENTRY_POINTS.map((t) => [t.trigger.task, (input: unknown) => invoke(t, input)]));
  const name = 'switchboard-cascade';
  const machine = engine.register(name, substitute(arns), tasks, journalDir ? new ExecutionJournal(join(journalDir, `${name}.ndjson`)) : undefined);
  const server: Server = stepFunctionsEndpoint(engine);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    engine,
    endpoint,
    stateMachineArn: machine.arn,
    stop: async () => {
      engine.stopAll();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
};
