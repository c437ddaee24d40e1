import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStepFunctionsEngine, type Execution } from '../../infra/local/step-functions/engine.ts';
import { ExecutionJournal, readExecutionJournal } from '../../infra/local/step-functions/journal.ts';
import { actions } from '../../infra/local/step-functions/actions.ts';
import { eventually } from '../support/eventually.ts';

const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:local:000000000000:function:work', End: true } } };

/** A task that finishes, fails, or waits until `release()` (as a process that dies mid-execution never does). */
const tasks = () => {
  let release!: () => void;
  const released = new Promise<void>((ok) => (release = ok));
  const Work = async (input: unknown) => {
    const { outcome } = input as { outcome: 'done' | 'fail' | 'hold' };
    if (outcome === 'hold') await released;
    if (outcome === 'fail') throw Object.assign(new Error('refused'), { name: 'Refused' });
    return { done: true };
  };
  return { tasks: { Work }, release: () => release() };
};

/** An engine as the runtime makes one: the machine's journal in `dir`. */
const engineOn = (dir: string, maxExecutions = 100) => {
  const engine = new LocalStepFunctionsEngine();
  const work = tasks();
  const machine = engine.register('work', definition, work.tasks, new ExecutionJournal(join(dir, 'work.ndjson'), maxExecutions));
  const api = actions(engine);
  const start = (name: string, outcome: string) => engine.start(machine.arn, name, JSON.stringify({ outcome }));
  const listed = () => (api.ListExecutions!({ stateMachineArn: machine.arn }) as { executions: { name: string; status: string }[] }).executions;
  const history = (e: Execution) => (api.GetExecutionHistory!({ executionArn: e.executionArn }) as { events: { type: string; id: number }[] }).events;
  return { engine, machine, start, listed, history, release: work.release };
};
const stopped = (e: Execution) => eventually(() => e.status, (s) => s !== 'RUNNING', `${e.name} to stop`);
const folder = () => mkdtempSync(join(tmpdir(), 'switchboard-executions-'));

describe('executions kept across restarts (the journal)', () => {
  it('shows finished executions as they ended, with their history, and unfinished ones as aborted by the stop (nothing runs them any more)', async () => {
    const dir = folder();
    const before = engineOn(dir);
    const done = before.start('done-1', 'done');
    const failed = before.start('failed-1', 'fail');
    const held = before.start('held-1', 'hold');
    await stopped(done);
    await stopped(failed);
    await eventually(() => before.history(held).map((e) => e.type), (types) => types.includes('LambdaFunctionStarted'), 'the held task to start');
    const histories = [done, failed, held].map(before.history);
    // The process dies here: nothing more is written.

    const after = engineOn(dir);
    expect(after.listed().map((e) => [e.name, e.status])).toEqual(
      expect.arrayContaining([['done-1', 'SUCCEEDED'], ['failed-1', 'FAILED'], ['held-1', 'ABORTED']]),
    );
    const restored = ['done-1', 'failed-1', 'held-1'].map((n) => after.engine.executions.get(`arn:aws:states:local:000000000000:execution:work:${n}`)!);
    expect(restored.slice(0, 2).map(after.history)).toEqual(histories.slice(0, 2));
    expect(after.history(restored[2]!)).toEqual([...histories[2]!, expect.objectContaining({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Runtime.Stopped', cause: expect.any(String) } })]);
    expect(restored[2]).toMatchObject({ status: 'ABORTED', error: 'Runtime.Stopped' });
    expect(restored[0]).toMatchObject({ output: '{"done":true}', stopDate: done.stopDate, startDate: done.startDate });
    expect(restored[1]).toMatchObject({ error: 'Refused', cause: 'refused' });
    // A failed one can be redriven after the restart; its history goes on from where it was.
    after.engine.redrive(restored[1]!.executionArn);
    expect(after.history(restored[1]!).at(-1)).toMatchObject({ type: 'ExecutionRedriven', id: histories[1]!.length + 1 });
    before.release();
  });

  it('an execution whose history ended but whose status was not written yet shows as it ended', async () => {
    const dir = folder();
    const before = engineOn(dir);
    await stopped(before.start('done-2', 'done'));
    const file = join(dir, 'work.ndjson');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ status: 'SUCCEEDED' });
    writeFileSync(file, lines.slice(0, -1).join('\n') + '\n');
    expect(readExecutionJournal(file)).toMatchObject([{ name: 'done-2', status: 'SUCCEEDED', output: '{"done":true}' }]);
  });

  it('a shutdown interrupts what runs: read back aborted by the stop (Runtime.Stopped), so that the reconciler resumes its work', async () => {
    const dir = folder();
    const before = engineOn(dir);
    const held = before.start('held-3', 'hold');
    await eventually(() => before.history(held).length, (n) => n >= 3, 'the held task to start');
    before.engine.stopAll();
    await stopped(held);
    expect(engineOn(dir).listed()).toEqual([expect.objectContaining({ name: 'held-3', status: 'ABORTED' })]);
    before.release();
  });

  it('is bounded: the newest executions and every unfinished one; mode 0600', async () => {
    const dir = folder();
    const before = engineOn(dir, 3);
    const held = before.start('held-4', 'hold');
    for (let i = 1; i <= 8; i++) await stopped(before.start(`done-${i}`, 'done'));
    const after = engineOn(dir, 3);
    expect(after.listed().map((e) => e.name).sort()).toEqual(['done-6', 'done-7', 'done-8', 'held-4']);
    expect(statSync(join(dir, 'work.ndjson')).mode & 0o777).toBe(0o600);
    expect(held.status).toBe('RUNNING');
    before.release();
  });
});
