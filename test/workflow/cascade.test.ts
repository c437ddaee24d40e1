import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cascadeTargetStream } from '../../application/stream-ids.ts';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { POLICY_RULES } from '../../domain/policy/rules.ts';
import { eventually } from '../support/eventually.ts';
import { unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = unique();
const mno = (name: string, style: SimulatedMno['style'], capabilities: SimulatedMno['capabilities'] = POLICY_RULES): SimulatedMno => ({
  id: `${name}-${run}`,
  name,
  style,
  plmns: ['262-91'],
  countries: ['DE'],
  capabilities,
});
const flaky = mno('flaky', 'rest-oauth2');
const rejecting = mno('rejecting', 'rest-oauth2');
const jobs = mno('jobs', 'async-jobs');
const down = mno('down', 'rest-oauth2');
const legacy = mno('legacy', 'legacy-ratelimited', POLICY_RULES.filter((r) => !['sms.mo', 'sms.mt', 'vpn'].includes(r)));
const drifting = mno('drifting', 'async-jobs');
const flakyJobs = mno('flaky-jobs', 'async-jobs');

/** Waits and retries shortened for the test; the definition itself keeps its real intervals. */
const fast = Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5]));

let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;

const policy = {
  data: { apns: ['iot.acme'], destinations: [{ cidr: '10.20.0.0/16', protocol: 'tcp', ports: [443, '8000-8099'] }, { cidr: '192.0.2.10/32', protocol: 'udp', ports: [53] }] },
  sms: { mo: ['+4915112345678'], mt: ['+49*'] },
  roaming: { countries: ['DE', 'FR'], plmns: ['262-01', '208-01'] },
  imeiLock: true,
  caps: { dataMbPerMonth: 500, smsPerMonth: 100 },
};

/** The cascade once it has finished, as the caller (the suite's tenant by default) reads it. */
const settled = async (cascadeId: string, token = tenant.token) =>
  (
    await eventually(
      () => api.call('GET', `/v1/cascades/${cascadeId}`, { token }),
      (r) => r.status === 200 && r.body.status !== 'running',
      `cascade ${cascadeId} to finish`,
      { timeout: 60_000, interval: 25 },
    )
  ).body;
/** A cascade the tenant's own change started (not the platform's catch-up). */
const published = (c: { startedBy: string | null }) => c.startedBy !== 'switchboard:catch-up';
const byMno = (cascade: { targets: { mno: string }[] }) => Object.fromEntries(cascade.targets.map((t) => [t.mno, t])) as Record<string, any>;

beforeAll(async () => {
  api = await startLocalApi({
    mnos: [flaky, rejecting, jobs, down, legacy, drifting, flakyJobs],
    stepFunctions: { waitTimeOverrides: { WaitForJob: 5, BackOffBeforeResubmit: 5 }, retryIntervalOverrides: fast },
  });
  tenant = await api.tenant('policies:write policies:read sims:write');
  const chosen = await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [flaky.id, rejecting.id, jobs.id, down.id, legacy.id] } });
  expect(chosen.status).toBe(200);
});
afterAll(() => api.stop());

describe('the cascade workflow, on the local engine against simulated MNOs', () => {
  it('partial with the expected per-MNO outcomes, then succeeded after the faults are fixed and it is redriven', async () => {
    api.runtime.simulators.get(flaky.id)!.setFaults({ errorRate: 0.5, seed: 7 });
    api.runtime.simulators.get(rejecting.id)!.setFaults({ reject: true });
    await api.call('POST', `/v1/mnos/${down.id}/outage`, { token: api.admin, body: { reason: 'core network incident' } });

    expect((await api.call('PUT', '/v1/policies/fleet-default', { token: tenant.token, body: policy })).status).toBe(200);
    const published = await api.call('POST', '/v1/policies/fleet-default/publish', { token: tenant.token });
    expect(published.status).toBe(202);
    expect(published.body.version).toBe(1);

    const first = await settled(published.body.cascadeId);
    const targets = byMno(first);
    expect(first.status).toBe('partial');
    expect(targets[flaky.id], JSON.stringify(targets[flaky.id])).toMatchObject({ status: 'verified' });
    expect(targets[jobs.id]).toMatchObject({ status: 'verified', attempts: 1 });
    expect(targets[legacy.id]).toMatchObject({ status: 'verified', attempts: 1 });
    expect(targets[rejecting.id]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(targets[rejecting.id].lastError).toMatch(/refused/);
    expect(targets[down.id]).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(targets[down.id].lastError).toMatch(/outage: core network incident/);
    for (const id of [flaky.id, jobs.id, legacy.id]) expect(targets[id].appliedAt <= targets[id].verifiedAt).toBe(true);
    // The MNO in outage got no work: nothing was applied there (the health probe may have asked it how it is).
    expect(api.runtime.simulators.get(down.id)!.state().profiles).toEqual({});

    // What each MNO holds is the policy in its own data model.
    expect(api.runtime.simulators.get(legacy.id)!.state().profiles[`${tenant.id}.fleet-default`]).toMatchObject({
      APN_LIST: 'iot.acme',
      FW_RULES: '10.20.0.0/16:443,8000-8099/tcp;192.0.2.10/32:53/udp',
      BREAKOUT: 'N',
      ROAM_PLMNS: '26201,20801',
    });

    api.runtime.simulators.get(rejecting.id)!.setFaults({});
    await api.call('POST', `/v1/mnos/${down.id}/outage/clear`, { token: api.admin });
    const redriven = await api.call('POST', `/v1/cascades/${first.id}/redrive`, { token: tenant.token });
    expect(redriven.status).toBe(202);
    const second = await settled(first.id);
    expect(second.status).toBe('succeeded');
    expect(second.round).toBe(2);
    expect(Object.values(byMno(second)).map((t) => t.status)).toEqual(['verified', 'verified', 'verified', 'verified', 'verified']);
    expect(byMno(second)[jobs.id].attempts).toBe(1);
  });

  it('an unchanged draft publishes nothing; a redrive of a succeeded cascade is refused', async () => {
    const again = await api.call('POST', '/v1/policies/fleet-default/publish', { token: tenant.token });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, unchanged: true });
    const refused = await api.call('POST', `/v1/cascades/${again.body.cascadeId}/redrive`, { token: tenant.token });
    expect(refused.status).toBe(409);
  });

  it('the effective policy per MNO names every rule it cannot enforce', async () => {
    const gaps = await api.call('GET', `/v1/policies/fleet-default/versions/1/effective?mno=${legacy.id}`, { token: tenant.token });
    expect(gaps.status).toBe(200);
    expect(gaps.body.unenforceable.map((u: { rule: string }) => u.rule)).toEqual(['sms.mo', 'sms.mt']);
    expect(gaps.body.effective.sms).toBeUndefined();
    const full = await api.call('GET', `/v1/policies/fleet-default/versions/1/effective?mno=${flaky.id}`, { token: tenant.token });
    expect(full.body.unenforceable).toEqual([]);
    expect(full.body.effective).toEqual(expect.objectContaining({ imeiLock: true }));
  });

  it('a drifting MNO fails verification and raises a security alert event', async () => {
    const t = await api.tenant('policies:write policies:read');
    await api.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: [drifting.id] } });
    api.runtime.simulators.get(drifting.id)!.setFaults({ drift: true });
    await api.call('PUT', '/v1/policies/strict', { token: t.token, body: { data: { apns: ['iot.strict'] } } });
    const published = await api.call('POST', '/v1/policies/strict/publish', { token: t.token });
    const cascade = await settled(published.body.cascadeId, t.token);
    expect(cascade.status).toBe('failed');
    expect(cascade.targets[0]).toMatchObject({ status: 'failed', lastError: 'drift: data.internetBreakout' });
    const { DynamoDbEventStore } = await import('../../adapters/event-store/dynamodb-event-store.ts');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const store = new DynamoDbEventStore(new DynamoDBClient({}), process.env.EVENTS_TABLE!);
    // The target's steps are on its own stream (one MNO, one round).
    const events = (await store.load(cascadeTargetStream(t.id, published.body.cascadeId, 1, drifting.id))).commits.flatMap((c) => c.events);
    expect(events.find((e) => e.type === 'CascadeTargetDrifted')?.data).toMatchObject({ mno: drifting.id, kind: 'policy-drift', rules: ['data.internetBreakout'] });
  });

  it('an asynchronous job the MNO fails for a passing reason is submitted again, not polled again', async () => {
    const t = await api.tenant('policies:write policies:read');
    await api.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: [flakyJobs.id] } });
    api.runtime.simulators.get(flakyJobs.id)!.setFaults({ errorRate: 0.4, seed: 1 }) // seed 1: the first job ends FAILED, retryable;
    await api.call('PUT', '/v1/policies/retry', { token: t.token, body: { data: { apns: ['iot.retry'] } } });
    const published = await api.call('POST', '/v1/policies/retry/publish', { token: t.token });
    const cascade = await settled(published.body.cascadeId, t.token);
    const { DynamoDbEventStore } = await import('../../adapters/event-store/dynamodb-event-store.ts');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const events = (await new DynamoDbEventStore(new DynamoDBClient({}), process.env.EVENTS_TABLE!).load(cascadeTargetStream(t.id, published.body.cascadeId, 1, flakyJobs.id))).commits.flatMap((c) => c.events);
    // Every failed attempt is recorded (transient answers too, so lastError shows at once); the failed job is resubmitted.
    const failedJobs = events.filter((e) => e.type === 'CascadeAttemptFailed' && /job failed: NETWORK_TIMEOUT/.test((e.data as { error: string }).error));
    expect(failedJobs.length, JSON.stringify(cascade)).toBeGreaterThan(0);
    const submissions = events.filter((e) => e.type === 'CascadeTargetApplying').length;
    expect(submissions).toBeGreaterThan(failedJobs.length);
    expect(cascade.targets[0]).toMatchObject({ status: 'verified', attempts: submissions });
  });

  it('lists running and finished cascades; a second start of the same execution name changes nothing', async () => {
    // The list is a read model: eventually consistent.
    const list = await eventually(
      () => api.call('GET', '/v1/cascades?status=succeeded', { token: tenant.token }),
      (r) => r.body.items.some(published),
      'a succeeded cascade in the list',
      { timeout: 30_000, interval: 25 },
    );
    // The catch-up to the MNO whose outage cleared is the platform's; the tenant published one.
    expect(list.body.items.filter(published).map((c: { status: string }) => c.status)).toEqual(['succeeded']);
    const engine = api.runtime.cascades.engine;
    const count = engine.executions.size;
    const { SFNClient, StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    const sfn = new SFNClient({});
    const cascadeId = list.body.items.find(published).id;
    const existing = [...engine.executions.values()].find((e) => e.name === `${cascadeId}-r2`)!;
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: api.runtime.cascades.stateMachineArn, name: existing.name, input: '{"other":true}' }))).rejects.toThrow(/already exists/);
    expect(engine.executions.size).toBe(count);
  });

  it('an execution started again under another name (an operator, the other region) for a finished round changes nothing and calls no MNO', async () => {
    const { SFNClient, StartExecutionCommand, DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
    const sfn = new SFNClient({});
    const list = await api.call('GET', '/v1/cascades?status=succeeded', { token: tenant.token });
    const cascadeId: string = list.body.items.find(published).id;
    const before = (await api.call('GET', `/v1/cascades/${cascadeId}`, { token: tenant.token })).body;
    const calls = () => [flaky, rejecting, jobs, down, legacy].map((m) => api.runtime.simulators.get(m.id)!.state().calls);
    const callsBefore = calls();
    for (const round of [1, 2, undefined]) {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: api.runtime.cascades.stateMachineArn, name: `${cascadeId}-again-${round ?? 'x'}`, input: JSON.stringify({ tenant: tenant.id, cascadeId, round }) }),
      );
      await api.runtime.cascades.engine.idle();
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, `round ${round}`).toBe('SUCCEEDED');
    }
    expect(calls()).toEqual(callsBefore);
    const after = await api.call('GET', `/v1/cascades/${cascadeId}`, { token: tenant.token });
    expect(after.body).toEqual(before);
    expect(after.headers.get('etag')).toBe(`"${before.version}"`);
  });
});
