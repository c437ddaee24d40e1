import type { Server } from 'node:http';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctionsEngine } from '../../infra/local/step-functions/engine.ts';
import { stepFunctionsEndpoint } from '../../infra/local/step-functions/endpoint.ts';
import { eventually } from '../support/eventually.ts';

/** A task each test opens or fails by hand: `gate.open()` lets the waiting calls return. */
const gate = () => {
  let open!: () => void;
  let promise = new Promise<void>((ok) => (open = ok));
  return { wait: () => promise, open: () => open(), reset: () => (promise = new Promise<void>((ok) => (open = ok))) };
};
const held = gate();
let broken = true;

const engine = new LocalStepFunctionsEngine({ retryIntervalOverrides: { Apply: 1 } });
const fanOut = engine.register('fan-out', {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Pass', Result: { work: [{ mno: 'a' }, { mno: 'b' }] }, Next: 'EachMno' },
    EachMno: {
      Type: 'Map',
      ItemsPath: '$.work',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Apply',
        States: {
          Apply: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:local:000000000000:function:apply',
            Retry: [{ ErrorEquals: ['Transient'], MaxAttempts: 2 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Record' }],
            End: true,
          },
          Record: { Type: 'Pass', End: true },
        },
      },
      Next: 'Complete',
    },
    Complete: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
  },
}, {
  Apply: async (input: any) => {
    if (input.mno === 'b') throw Object.assign(new Error('b refused'), { name: 'Permanent' });
    return { mno: input.mno, applied: true };
  },
  Complete: async () => ({ status: 'partial' }),
});
const held1 = engine.register('held', { StartAt: 'Hold', States: { Hold: { Type: 'Task', Resource: 'arn:aws:lambda:local:000000000000:function:hold', End: true } } }, {
  Hold: async (input: any) => {
    await held.wait();
    if (input.fail && broken) throw Object.assign(new Error('still broken'), { name: 'Broken' });
    return { held: true };
  },
});

let server: Server;
let sfn: SFNClient;
beforeAll(async () => {
  server = stepFunctionsEndpoint(engine);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  sfn = new SFNClient({ endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});
afterAll(async () => {
  held.open();
  engine.stopAll();
  sfn.destroy();
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

/** The execution once it stopped (within the test's own 90 s, as a plain loop would be). */
const settled = (executionArn: string) =>
  eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (d) => d.status !== 'RUNNING', `execution ${executionArn} to stop`, { timeout: 90_000, interval: 5 });
const history = async (executionArn: string) => (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: Error) => e.name);

describe('the local Step Functions endpoint, through @aws-sdk/client-sfn', () => {
  it('lists and describes state machines', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines!.map((m) => m.name)).toEqual(['fan-out', 'held']);
    expect(stateMachines![0]!.creationDate).toBeInstanceOf(Date);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: fanOut.arn }));
    expect(described).toMatchObject({ name: 'fan-out', status: 'ACTIVE', type: 'STANDARD' });
    expect(JSON.parse(described.definition!).StartAt).toBe('Plan');
  });

  it('keeps the history in AWS shape: Map iterations, Lambda and service-integration tasks, retries', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: fanOut.arn, name: 'fan-1', input: '{"tenant":"acme"}' }));
    const described = await settled(executionArn!);
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"status":"partial"}', redriveCount: 0, redriveStatus: 'NOT_REDRIVABLE' });
    expect(described.startDate).toBeInstanceOf(Date);
    const events = await history(executionArn!);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ type: 'ExecutionStarted', previousEventId: 0, executionStartedEventDetails: { input: '{"tenant":"acme"}' } });
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"status":"partial"}' } });
    expect(events.find((e) => e.type === 'MapStateStarted')?.mapStateStartedEventDetails).toEqual({ length: 2 });
    const byId = new Map(events.map((e) => [e.id, e]));
    /** The Map iteration an event belongs to: the MapIterationStarted its previousEventId chain reaches, unless an iteration ended on the way. */
    const iteration = (e: HistoryEvent): number | undefined => {
      for (let at = byId.get(e.previousEventId); at; at = byId.get(at.previousEventId)) {
        if (at.type === 'MapIterationStarted') return at.mapIterationStartedEventDetails!.index;
        if (at.type === 'MapIterationSucceeded' || at.type === 'MapIterationFailed') return undefined;
      }
      return undefined;
    };
    const ofB = events.filter((e) => e.type !== 'MapIterationStarted' && e.type !== 'MapIterationSucceeded' && iteration(e) === 1).map((e) => e.type);
    expect(ofB).toEqual(['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited']);
    expect(events.find((e) => e.type === 'LambdaFunctionFailed')?.lambdaFunctionFailedEventDetails).toEqual({ error: 'Permanent', cause: 'b refused' });
    expect(events.filter((e) => e.type === 'MapIterationSucceeded').map((e) => e.mapIterationSucceededEventDetails)).toEqual(
      expect.arrayContaining([{ name: 'EachMno', index: 0 }, { name: 'EachMno', index: 1 }]),
    );
    expect(events.filter((e) => e.type?.startsWith('Task') && iteration(e) === undefined).map((e) => e.type)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited']);
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
    expect(events.find((e) => e.type === 'MapStateExited')!.previousEventId).toBe(events.find((e) => e.type === 'MapStateSucceeded')!.id);
  });

  it('pages the history, newest first when asked, and leaves execution data out when asked', async () => {
    const executionArn = [...engine.executions.values()].find((e) => e.name === 'fan-1')!.executionArn;
    const all = await history(executionArn);
    const pages: HistoryEvent[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 7, nextToken }));
      pages.push(page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages.length).toBe(Math.ceil(all.length / 7));
    expect(pages.flat().map((e) => e.id)).toEqual(all.map((e) => e.id).reverse());
    const bare = await sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false, maxResults: 2 }));
    expect(bare.events![0]!.executionStartedEventDetails).toEqual({ roleArn: expect.any(String) });
    expect(await errorOf(sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: 'garbage' })))).toBe('InvalidToken');
    expect(await errorOf(sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1001 })))).toBe('ValidationException');
  });

  it('lists executions newest first, by status, a page at a time', async () => {
    for (let i = 2; i <= 5; i++) await settled((await sfn.send(new StartExecutionCommand({ stateMachineArn: fanOut.arn, name: `fan-${i}` }))).executionArn!);
    const running = await sfn.send(new StartExecutionCommand({ stateMachineArn: held1.arn, name: 'held-1', input: '{}' }));
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: fanOut.arn, maxResults: 2, nextToken }));
      expect(page.executions!.length).toBeLessThanOrEqual(2);
      names.push(...page.executions!.map((e) => e.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names).toEqual(['fan-5', 'fan-4', 'fan-3', 'fan-2', 'fan-1']);
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: held1.arn, statusFilter: 'RUNNING' }));
    expect(listed.executions).toEqual([expect.objectContaining({ executionArn: running.executionArn, status: 'RUNNING', redriveCount: 0, startDate: expect.any(Date) })]);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: held1.arn, statusFilter: 'SUCCEEDED' }))).executions).toEqual([]);
  });

  it('stops an execution (ABORTED), redrives it under the same ARN, and refuses to redrive what succeeded', async () => {
    const executionArn = [...engine.executions.values()].find((e) => e.name === 'held-1')!.executionArn;
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn })))).toBe('ExecutionNotRedrivable');
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'wrong input' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'wrong input', redriveStatus: 'REDRIVABLE' });
    await engine.idle();
    expect((await history(executionArn)).at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Operator', cause: 'wrong input' } });

    held.open();
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    expect(await settled(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveDate, output: '{"held":true}' });
    const types = (await history(executionArn)).map((e) => e.type);
    expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
    expect(types.slice(types.indexOf('ExecutionRedriven'))).toEqual(['ExecutionRedriven', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect((await history(executionArn)).find((e) => e.type === 'ExecutionRedriven')?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn })))).toBe('ExecutionNotRedrivable');
  });

  it('a failed execution says why, and succeeds once redriven after the fix', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: held1.arn, name: 'held-2', input: '{"fail":true}' }));
    const failed = await settled(executionArn!);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Broken', cause: 'still broken', redriveStatus: 'REDRIVABLE' });
    expect((await history(executionArn!)).at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Broken', cause: 'still broken' } });
    broken = false;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const redriven = await settled(executionArn!);
    expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(redriven.error).toBeUndefined();
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: held1.arn, redriveFilter: 'REDRIVEN' }))).executions!.map((e) => e.name)).toEqual(['held-2', 'held-1']);
  });

  it('answers AWS errors by name', async () => {
    const missing = 'arn:aws:states:local:000000000000:execution:fan-out:nope';
    expect(await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: missing })))).toBe('ExecutionDoesNotExist');
    expect(await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: 'nope' })))).toBe('InvalidArn');
    expect(await errorOf(sfn.send(new StopExecutionCommand({ executionArn: missing })))).toBe('ExecutionDoesNotExist');
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: missing })))).toBe('ExecutionDoesNotExist');
    expect(await errorOf(sfn.send(new GetExecutionHistoryCommand({ executionArn: missing })))).toBe('ExecutionDoesNotExist');
    const noMachine = 'arn:aws:states:local:000000000000:stateMachine:nope';
    expect(await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: noMachine })))).toBe('StateMachineDoesNotExist');
    expect(await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: noMachine })))).toBe('StateMachineDoesNotExist');
    expect(await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: noMachine })))).toBe('StateMachineDoesNotExist');
    expect(await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: fanOut.arn, name: 'fan-1', input: '{"other":1}' })))).toBe('ExecutionAlreadyExists');
    expect(await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: fanOut.arn, input: 'not json' })))).toBe('InvalidExecutionInput');
    expect(await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: fanOut.arn, name: 'has space' })))).toBe('InvalidName');
    expect(await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: fanOut.arn, statusFilter: 'DONE' as never })))).toBe('ValidationException');
  });
});
