import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { OPS_FEED_LOG_GROUP } from '../../manifest/rules.ts';
import { startLocalLogs } from '../../infra/local/logs/index.ts';
import { cloudWatchLogsConfig, stepFunctionsConfig } from '../../infra/ops/endpoints.ts';
import { eventLine, feedPoller, parseSince } from '../../infra/ops/events.ts';
import { progressOf, type ExecutionSummary } from '../../infra/ops/progress.ts';
import { bar, duration, renderExecutions } from '../../infra/ops/render.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');

/** A history as GetExecutionHistory returns it: events numbered in order, each pointing at the previous one of its thread. */
const history = () => {
  const events: HistoryEvent[] = [];
  const last: Record<string, number> = {};
  const add = (thread: string, type: string, details: Partial<HistoryEvent> = {}, previous?: number) => {
    const id = events.length + 1;
    events.push({ id, previousEventId: previous ?? last[thread] ?? 0, type: type as never, timestamp: new Date(T0 + id * 100), ...details });
    last[thread] = id;
    return id;
  };
  const state = (thread: string, kind: string, name: string, input?: unknown) => add(thread, `${kind}StateEntered`, { stateEnteredEventDetails: { name, input: JSON.stringify(input ?? {}) } });
  const exited = (thread: string, kind: string, name: string, output?: unknown) => add(thread, `${kind}StateExited`, { stateExitedEventDetails: { name, output: JSON.stringify(output ?? {}) } });
  const task = (thread: string, name: string, input: unknown, failure?: { error: string; cause: string }) => {
    state(thread, 'Task', name, input);
    add(thread, 'LambdaFunctionScheduled');
    add(thread, 'LambdaFunctionStarted');
    if (failure) add(thread, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: failure });
  };
  const iteration = (index: number) => add(`i${index}`, 'MapIterationStarted', { mapIterationStartedEventDetails: { name: 'ApplyToEachMno', index } }, last.root);
  const iterationEnd = (index: number) => (last.root = add(`i${index}`, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: 'ApplyToEachMno', index } }));
  return { events, add, state, exited, task, iteration, iterationEnd };
};

/** A cascade over four MNOs, caught mid-way: one verified, one polling after a transient error, one drifted, one not started. */
const runningCascade = () => {
  const h = history();
  h.add('root', 'ExecutionStarted', { executionStartedEventDetails: { input: '{"tenant":"acme","cascadeId":"c-1"}' } });
  h.task('root', 'PlanCascade', {});
  h.exited('root', 'Task', 'PlanCascade');
  h.state('root', 'Map', 'ApplyToEachMno');
  h.add('root', 'MapStateStarted', { mapStateStartedEventDetails: { length: 4 } });
  for (const i of [0, 1, 2]) h.iteration(i);
  const work = (mno: string) => ({ tenant: 'acme', cascadeId: 'c-1', mno });
  h.task('i0', 'ApplyToMno', work('northwind'));
  h.task('i1', 'ApplyToMno', work('orbital'), { error: 'MnoTransientError', cause: '{"errorMessage":"503 from CMP","errorType":"MnoTransientError"}' });
  h.task('i2', 'ApplyToMno', work('meridian'));
  h.add('i1', 'LambdaFunctionScheduled');
  h.exited('i0', 'Task', 'ApplyToMno', { done: true });
  h.state('i0', 'Choice', 'AppliedYet');
  h.task('i0', 'VerifyOnMno', {});
  h.exited('i0', 'Task', 'VerifyOnMno', { verified: true });
  h.iterationEnd(0);
  h.exited('i1', 'Task', 'ApplyToMno', { done: false, jobId: 'j-1' });
  h.state('i1', 'Wait', 'WaitForJob');
  h.task('i1', 'PollJob', {});
  h.exited('i2', 'Task', 'ApplyToMno', { done: true });
  h.task('i2', 'VerifyOnMno', {});
  h.exited('i2', 'Task', 'VerifyOnMno', { verified: false, target: { status: 'failed' } });
  h.iterationEnd(2);
  return h.events;
};
const running: ExecutionSummary = { executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:cascade:c-1', name: 'c-1', status: 'RUNNING', startDate: new Date(T0) };

describe('ops executions: progress from a history, and its rendering', () => {
  it('attributes events to Map iterations through previousEventId, and reads each MNO outcome', () => {
    const progress = progressOf(running, runningCascade());
    expect(progress).toMatchObject({ tenant: 'acme', cascadeId: 'c-1', phase: 'ApplyToEachMno', total: 4 });
    expect(progress.result).toBeUndefined();
    expect(progress.targets).toEqual([
      { index: 0, label: 'northwind', state: 'VerifyOnMno', reached: 4, stages: 4, outcome: 'succeeded', failedAt: undefined, failures: 0, lastError: undefined },
      { index: 1, label: 'orbital', state: 'PollJob', reached: 2, stages: 4, outcome: 'running', failedAt: undefined, failures: 1, lastError: 'MnoTransientError: 503 from CMP' },
      {
        index: 2, label: 'meridian', state: 'VerifyOnMno', reached: 3, stages: 4, outcome: 'failed', failedAt: 'VerifyOnMno', failures: 0,
        lastError: 'drift: the MNO does not enforce what was declared',
      },
    ]);
  });

  it('a target a newer change superseded, or verified in the step the MNO answered, is no drift', () => {
    const h = history();
    h.add('root', 'ExecutionStarted', { executionStartedEventDetails: { input: '{"tenant":"acme","cascadeId":"c-3"}' } });
    h.state('root', 'Map', 'ApplyToEachMno');
    for (const i of [0, 1, 2]) h.iteration(i);
    h.task('i0', 'VerifyOnMno', { mno: 'orbital' });
    h.exited('i0', 'Task', 'VerifyOnMno', { verified: false, target: { status: 'superseded' } });
    h.iterationEnd(0);
    h.task('i1', 'ApplyToMno', { mno: 'meridian' });
    h.exited('i1', 'Task', 'ApplyToMno', { done: true, finished: true });
    h.task('i1', 'VerifyOnMno', {});
    h.exited('i1', 'Task', 'VerifyOnMno', { verified: false });
    h.iterationEnd(1);
    h.task('i2', 'ApplyToMno', { mno: 'northwind' });
    h.exited('i2', 'Task', 'ApplyToMno', { verified: true, target: { status: 'verified' } });
    h.state('i2', 'Choice', 'AppliedYet');
    h.state('i2', 'Succeed', 'Verified');
    h.exited('i2', 'Succeed', 'Verified', { verified: true, target: { status: 'verified' } });
    h.iterationEnd(2);
    expect(progressOf({ ...running, name: 'c-3' }, h.events).targets).toMatchObject([
      { label: 'orbital', outcome: 'succeeded', lastError: undefined },
      { label: 'meridian', outcome: 'succeeded', lastError: undefined },
      { label: 'northwind', outcome: 'succeeded', reached: 4, lastError: undefined },
    ]);
  });

  it('an iteration cut short by the end of its execution is aborted; a redriven item counts its latest run', () => {
    const h = history();
    h.add('root', 'ExecutionStarted', { executionStartedEventDetails: { input: '{"tenant":"acme","cascadeId":"c-2"}' } });
    h.state('root', 'Map', 'ApplyToEachMno');
    h.iteration(0);
    h.task('i0', 'ApplyToMno', { mno: 'orbital' }, { error: 'MnoTransientError', cause: 'timeout' });
    h.add('root', 'ExecutionAborted', { executionAbortedEventDetails: { error: 'Operator', cause: 'stopped' } });
    const stopped = { ...running, name: 'c-2', status: 'ABORTED', stopDate: new Date(T0 + 65_000) };
    expect(progressOf(stopped, h.events)).toMatchObject({ result: 'Operator: stopped', total: undefined, targets: [{ label: 'orbital', outcome: 'aborted', state: 'ApplyToMno' }] });
    h.add('root', 'ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: 1 } });
    h.iteration(0);
    h.task('i0', 'ApplyToMno', { mno: 'orbital' });
    expect(progressOf({ ...stopped, status: 'RUNNING', stopDate: undefined }, h.events).targets).toMatchObject([{ outcome: 'running', failures: 0 }]);
  });

  it('renders running executions first, with a bar per MNO (plain text when not a terminal)', () => {
    const succeeded = h2();
    const text = renderExecutions([succeeded, progressOf(running, runningCascade())], { color: false, width: 200, now: new Date(T0 + 12_000), stateMachine: 'switchboard-cascade' });
    expect(text).toBe(
      [
        'switchboard-cascade  1 running, 1 recent  10:00:12',
        '',
        'RUNNING   acme · cascade c-1  running 12s  at ApplyToEachMno',
        '  MNOs [████████████░░░░░░░░░░░░] 2/4  ✓ 1  ✗ 1  … 2',
        '    ✓ northwind [████████] done',
        '    … orbital   [████░░░░] PollJob (1 failed attempt)  MnoTransientError: 503 from CMP',
        '    ✗ meridian  [██████░░] failed at VerifyOnMno  drift: the MNO does not enforce what was declared',
        '',
        'SUCCEEDED globex · cascade c-0  c-0-r2, took 1m05s, redriven 1×  → succeeded',
        '',
      ].join('\n'),
    );
  });

  it('colours with ANSI in a terminal, and cuts lines to its width', () => {
    const text = renderExecutions([progressOf(running, runningCascade())], { color: true, width: 40, now: new Date(T0), stateMachine: 'm' });
    expect(text).toContain('\x1b[33mRUNNING  \x1b[0m');
    expect(text).toContain('\x1b[32m✓\x1b[0m');
    const visible = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(Math.max(...visible.map((l) => [...l].length))).toBe(40);
    expect(visible.filter((l) => l.endsWith('…')).length).toBeGreaterThan(0);
    expect(renderExecutions([], { color: false, width: 80, now: new Date(T0), stateMachine: 'm', note: 'refresh failed' })).toBe('m  0 running, 0 recent  10:00:00\nrefresh failed\n\nno executions yet\n');
  });

  it('bars and durations', () => {
    expect(bar(1, 4, 8)).toBe('[██░░░░░░]');
    expect(bar(0, 0, 4)).toBe('[░░░░]');
    expect([duration(900), duration(65_000), duration(3_725_000)]).toEqual(['1s', '1m05s', '1h02m']);
  });

  it('finds the Step Functions endpoint in endpoints.json, or uses AWS with --region', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-ops-'));
    expect(() => stepFunctionsConfig(undefined, { SWITCHBOARD_DATA_DIR: dir })).toThrow(/endpoints\.json not found: is the local runtime running/);
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ api: 'http://localhost:3000', stepfunctions: 'http://127.0.0.1:4567' }));
    expect(stepFunctionsConfig(undefined, { SWITCHBOARD_DATA_DIR: dir })).toMatchObject({ endpoint: 'http://127.0.0.1:4567', region: 'local' });
    expect(stepFunctionsConfig('eu-west-1', { SWITCHBOARD_DATA_DIR: dir })).toEqual({ region: 'eu-west-1' });
  });
});

/** A finished, redriven-round execution with no Map (nothing to show per MNO). */
const h2 = () => {
  const h = history();
  h.add('root', 'ExecutionStarted', { executionStartedEventDetails: { input: '{"tenant":"globex","cascadeId":"c-0"}' } });
  h.add('root', 'ExecutionSucceeded', { executionSucceededEventDetails: { output: '{"status":"succeeded"}' } });
  return progressOf({ ...running, name: 'c-0-r2', status: 'SUCCEEDED', stopDate: new Date(T0 + 65_000), redriveCount: 1 }, h.events);
};

describe('ops events: the ops feed, polled', () => {
  const event = (id: string, second: number, extra: Record<string, unknown> = {}) => ({
    version: '0',
    id: `eb-${id}`,
    'detail-type': 'SimActivated',
    source: 'switchboard',
    account: '000000000000',
    time: new Date(T0 + second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [],
    detail: { tenant: 'acme', streamId: `T#acme#SIM#${id}`, version: 1, eventId: `e-${id}` },
    ...extra,
  });

  it('reads every page from the last poll minus the overlap, and answers each event once, oldest first', async () => {
    const logs = await startLocalLogs({ logGroups: [OPS_FEED_LOG_GROUP] });
    const client = new CloudWatchLogsClient({ endpoint: logs.endpoint, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    try {
      const write = (e: ReturnType<typeof event>) => logs.writeEvent(OPS_FEED_LOG_GROUP, e);
      let clock = T0 + 10_000;
      const poll = feedPoller(client, { startTime: T0, overlapMs: 5_000, pageSize: 2, now: () => clock });
      for (const [id, second] of [['a', 3], ['b', 1], ['c', 9]] as const) await write(event(id, second));
      const keys = async () => (await poll()).map((e) => e.key);
      expect(await keys()).toEqual(['#e-b', '#e-a', '#e-c']); // three pages of at most two

      clock = T0 + 12_000;
      await write(event('c', 9, { id: 'eb-c-again' })); // EventBridge delivered the same domain event twice
      await write(event('d', 7)); // late, but within the overlap (from T0 + 5 s)
      await write(event('e', 4)); // later than the overlap: not read again
      await write(event('c', 9, { 'replay-name': 'backfill' })); // a replay is its own line
      const second = await poll();
      expect(second.map((e) => e.key)).toEqual(['#e-d', 'backfill#e-c']);
      expect(second[0]!.event).toMatchObject({ id: 'eb-d', detail: { eventId: 'e-d' } });
      expect(JSON.parse(second[0]!.message)).toEqual(event('d', 7));
      expect(eventLine(second[1]!.event!)).toBe('2026-11-24T10:00:09Z  SimActivated                  acme  T#acme#SIM#c@1  (replay backfill)');

      clock = T0 + 40_000;
      expect(await keys()).toEqual([]);
      await logs.store.putLogEvent(OPS_FEED_LOG_GROUP, 'x', { timestamp: T0 + 39_000, message: 'not an event' });
      expect(await poll()).toMatchObject([{ message: 'not an event', event: undefined }]);
    } finally {
      client.destroy();
      await logs.stop();
    }
  });

  it('--since takes a duration back from now, or a time', () => {
    expect(parseSince('90s', T0)).toBe(T0 - 90_000);
    expect(parseSince('10m', T0)).toBe(T0 - 600_000);
    expect(parseSince('1.5h', T0)).toBe(T0 - 5_400_000);
    expect(parseSince('2026-11-24T09:00:00Z', T0)).toBe(T0 - 3_600_000);
    expect(() => parseSince('yesterday', T0)).toThrow(/--since takes a duration/);
  });

  it('finds the CloudWatch Logs endpoint in endpoints.json, or uses AWS with --region', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-ops-'));
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ api: 'http://localhost:3000' }));
    expect(() => cloudWatchLogsConfig(undefined, { SWITCHBOARD_DATA_DIR: dir })).toThrow(/names no logs endpoint/);
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ api: 'http://localhost:3000', logs: 'http://127.0.0.1:4568' }));
    expect(cloudWatchLogsConfig(undefined, { SWITCHBOARD_DATA_DIR: dir })).toMatchObject({ endpoint: 'http://127.0.0.1:4568', region: 'local' });
    expect(cloudWatchLogsConfig('eu-west-1', { SWITCHBOARD_DATA_DIR: dir })).toEqual({ region: 'eu-west-1' });
  });
});
