import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunOptions } from 'aws-local-stepfunctions';
import { CASCADE_TASKS, substitute } from '../../functions/workflow/cascade-workflow.ts';
import { lambdaContext } from './lambda-context.ts';
import { LocalStepFunctionsEngine } from './step-functions/engine.ts';
import { stepFunctionsEndpoint } from './step-functions/endpoint.ts';

const workflowDir = resolve(fileURLToPath(new URL('../../functions/workflow/', import.meta.url)));

/**
 * The cascade state machine on the local engine: the shared ASL, with each Task state running the
 * Lambda handler CDK deploys behind it, and the Step Functions endpoint the handlers call.
 */
export const startCascadeEngine = async (overrides: RunOptions['overrides'] = {}) => {
  const engine = new LocalStepFunctionsEngine(overrides);
  const arns = Object.fromEntries(Object.values(CASCADE_TASKS).map((t) => [t.substitution, `arn:aws:lambda:local:000000000000:function:switchboard-${t.entry.replace('.ts', '')}`]));
  const tasks = Object.fromEntries(
    Object.entries(CASCADE_TASKS).map(([state, task]) => [
      state,
      async (input: unknown) => {
        const module = (await import(resolve(workflowDir, task.entry))) as Record<string, (i: unknown, c: unknown) => Promise<unknown>>;
        return module[task.handler]!(input, lambdaContext(task.entry, randomUUID(), 60_000));
      },
    ]),
  );
  const machine = engine.register('switchboard-cascade', substitute(arns), tasks);
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
