import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeExecutionCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_RULES } from '../../domain/policy/rules.ts';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { executionsWatcher, findStateMachine, historyOf } from '../../infra/ops/executions.ts';
import { progressOf } from '../../infra/ops/progress.ts';
import { eventually } from '../support/eventually.ts';
import { unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = unique();
const mno = (name: string, style: SimulatedMno['style']): SimulatedMno => ({ id: `${name}-${run}`, name, style, plmns: ['262-91'], countries: ['DE'], capabilities: POLICY_RULES });
const steady = mno('steady', 'rest-oauth2');
const rejecting = mno('rejecting', 'rest-oauth2');
const jobs = mno('jobs', 'async-jobs');
const down = mno('down', 'rest-oauth2');

let api: LocalApi;
let sfn: SFNClient;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
let cascadeId: string;

beforeAll(async () => {
  api = await startLocalApi({
    mnos: [steady, rejecting, jobs, down],
    stepFunctions: { waitTimeOverrides: { WaitForJob: 5 }, retryIntervalOverrides: Object.fromEntries(Object.keys(CASCADE_TASKS).map((s) => [s, 5])) },
  });
  sfn = new SFNClient({ endpoint: api.runtime.cascades.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  tenant = await api.tenant('policies:write policies:read');
  await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [steady.id, rejecting.id, jobs.id, down.id] } });
  api.runtime.simulators.get(rejecting.id)!.setFaults({ reject: true });
  await api.call('POST', `/v1/mnos/${down.id}/outage`, { token: api.admin, body: { reason: 'maintenance' } });
  await api.call('PUT', '/v1/policies/fleet', { token: tenant.token, body: { data: { apns: ['iot.acme'] } } });
  const published = await api.call('POST', '/v1/policies/fleet/publish', { token: tenant.token });
  expect(published.status).toBe(202);
  cascadeId = published.body.cascadeId;
  await settled(arnOf(cascadeId));
});
afterAll(async () => {
  sfn?.destroy();
  await api?.stop();
});

const arnOf = (name: string) => `${api.runtime.cascades.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
/** The execution once it stopped; the cascade starts it a moment after publish answers, off the request path. */
const settled = async (executionArn: string) =>
  (await eventually(
    () =>
      sfn.send(new DescribeExecutionCommand({ executionArn })).catch((e: Error) => {
        if (e.name !== 'ExecutionDoesNotExist') throw e;
      }),
    (d) => d !== undefined && d.status !== 'RUNNING',
    `execution ${executionArn} to stop`,
    { timeout: 20_000, interval: 20 },
  ))!;

describe('the cascade on the local engine, watched through the Step Functions API', () => {
  it('finds the cascade state machine and its execution, named after the cascade', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines!.map((m) => m.name)).toContain('switchboard-cascade');
    expect(await findStateMachine(sfn)).toEqual({ arn: api.runtime.cascades.stateMachineArn, name: 'switchboard-cascade' });
    const described = await settled(arnOf(cascadeId));
    expect(described).toMatchObject({ status: 'SUCCEEDED', input: JSON.stringify({ tenant: tenant.id, cascadeId, round: 1, attempt: 0 }) });
    expect(JSON.parse(described.output!)).toMatchObject({ status: 'partial' });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: api.runtime.cascades.stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(listed.executions!.map((e) => e.name)).toContain(cascadeId);
  });

  it('per-MNO progress from GetExecutionHistory alone: one Map iteration per MNO with work, its outcome and error', async () => {
    const executionArn = arnOf(cascadeId);
    const described = await settled(executionArn);
    const events = await historyOf(sfn, executionArn);
    expect(events.filter((e) => e.type === 'MapIterationStarted')).toHaveLength(3);
    expect(await historyOf(sfn, executionArn, events.slice(0, 10))).toEqual(events);
    expect(events.find((e) => e.type === 'LambdaFunctionFailed')?.lambdaFunctionFailedEventDetails?.error).toBe('MnoPermanentError');
    const progress = progressOf({ executionArn, name: cascadeId, status: described.status!, startDate: described.startDate!, stopDate: described.stopDate, redriveCount: described.redriveCount }, events);
    expect(progress).toMatchObject({ tenant: tenant.id, cascadeId, total: 3, phase: 'CompleteCascade', result: 'partial' });
    const byMno = Object.fromEntries(progress.targets.map((t) => [t.label, t]));
    expect(Object.keys(byMno).sort()).toEqual([jobs.id, rejecting.id, steady.id].sort());
    // Read back in the step the MNO answered: verified there, with no VerifyOnMno.
    expect(byMno[steady.id]).toMatchObject({ outcome: 'succeeded', state: 'Verified', reached: 4, stages: 4, failures: 0 });
    // Read back in the step the MNO answered (its job done): verified there, with no VerifyOnMno.
    expect(byMno[jobs.id]).toMatchObject({ outcome: 'succeeded', state: 'Verified' });
    expect(byMno[rejecting.id]).toMatchObject({ outcome: 'failed', state: 'RecordFailure', failedAt: 'ApplyToMno', reached: 1, failures: 1 });
    expect(byMno[rejecting.id]!.lastError).toMatch(/^MnoPermanentError: .*refused/);

    const watched = await executionsWatcher(sfn, api.runtime.cascades.stateMachineArn, 5)();
    expect(watched.find((e) => e.name === cascadeId)).toEqual(progress);
  });

  it('npm run ops -- executions prints it from endpoints.json; events prints its events from the ops feed', async () => {
    // The runtime writes its endpoints to its data dir, as npm start does to .switchboard/.
    const dataDir = api.dataDir;
    expect(JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8'))).toMatchObject({ stepfunctions: api.runtime.cascades.endpoint });
    const env = { ...process.env, SWITCHBOARD_DATA_DIR: dataDir, NO_COLOR: '1' };
    const ops = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/ops/cli.ts', ...args], { env, timeout: 20_000 });
    const { stdout } = await ops('executions', '--recent', '3');
    expect(stdout).toMatch(/^switchboard-cascade {2}0 running, \d+ recent/);
    expect(stdout).toContain(`SUCCEEDED ${tenant.id} · cascade ${cascadeId}`);
    expect(stdout).toMatch(new RegExp(`✓ ${steady.id} +\\[█+\\] done`));
    expect(stdout).toMatch(new RegExp(`✗ ${rejecting.id} +\\[██░+\\] failed at ApplyToMno \\(1 failed attempt\\) {2}MnoPermanentError: `));
    expect(stdout).toMatch(/MNOs \[█{24}\] 3\/3 {2}✓ 2 {2}✗ 1 {2}… 0/);
    // The cascade's events and its targets', as the bus carried them (its last one may still be on its way there).
    const lines = await eventually(
      async () => (await ops('events', '--since', '10m', '--filter', `{ $.detail.streamId = "T#${tenant.id}#CASCADE#${cascadeId}*" }`)).stdout.trim().split('\n'),
      (lines) => lines.some((l) => l.includes(' CascadeCompleted ')),
      'CascadeCompleted among the cascade’s events in the ops feed',
      { timeout: 10_000, interval: 0 },
    );
    expect(lines[0]).toMatch(new RegExp(`^\\S+Z  CascadeStarted +${tenant.id}  T#${tenant.id}#CASCADE#${cascadeId}@1$`));
    expect(lines).toContainEqual(expect.stringMatching(/ CascadeCompleted /));
    expect(lines.some((l) => / CascadeTargetVerified /.test(l) && l.includes(`#CASCADE#${cascadeId}#R1#MNO#${steady.id}@`))).toBe(true);
    expect(lines.every((l) => l.includes(`#CASCADE#${cascadeId}`))).toBe(true);
    const refused = await ops('events', '--filter', '[ip, user]').catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^ops: filter pattern .* is not supported by the local CloudWatch Logs endpoint/) });
  });
});
