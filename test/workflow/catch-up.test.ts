import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

/**
 * Catch-up on the local runtime: an MNO that was in outage while a policy was published and a SIM
 * activated, and an MNO chosen after the publish, are brought up to date with no redrive by hand,
 * by cascades of the platform's that the cascade list shows.
 */
const run = unique();
const spec = (name: string, style: SimulatedMno['style']): SimulatedMno => ({ id: `${name}-${run}`, name, style, plmns: ['262-91'], countries: ['DE'], capabilities: ['data.apns'] });
const steady = spec('steady', 'rest-oauth2');
const flaky = spec('flaky', 'async-jobs');
const late = spec('late', 'legacy-ratelimited');
const fast = Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5]));

let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [steady, flaky, late], stepFunctions: { waitTimeOverrides: { WaitForJob: 5, BackOffBeforeResubmit: 5 }, retryIntervalOverrides: fast } });
  tenant = await api.tenant('sims:write sims:read policies:write policies:read');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [steady.id, flaky.id] } })).status).toBe(200);
});
afterAll(() => api.stop());

type Listed = { id: string; status: string; startedBy: string | null; subject: { kind: string; eid?: string; version?: number }; targets: { mno: string; status: string }[] };
const cascades = async () => (await api.call('GET', '/v1/cascades?limit=100', { token: tenant.token })).body.items as Listed[];
const finished = (pick: (items: Listed[]) => Listed[], count: number, what: string) =>
  eventually(cascades, (items) => pick(items).length === count && pick(items).every((c) => c.status !== 'running'), what, { timeout: 60_000, interval: 50 });
const platforms = (items: Listed[]) => items.filter((c) => c.startedBy === 'switchboard:catch-up');

describe('an MNO brought up to date automatically', () => {
  it('in outage during a publish and a SIM activation: once the outage clears, catch-up cascades carry both there', async () => {
    expect((await api.call('POST', `/v1/mnos/${flaky.id}/outage`, { token: api.admin, body: { reason: 'maintenance' } })).status).toBe(200);
    expect((await api.call('PUT', '/v1/policies/fleet', { token: tenant.token, body: { data: { apns: ['iot.acme'] } } })).status).toBe(200);
    const { cascadeId } = (await api.call('POST', '/v1/policies/fleet/publish', { token: tenant.token })).body;
    const n = unique();
    const sim = eid(n);
    const profiles = [{ iccid: iccid(n % 1e12), mno: flaky.id, imsi: `26291${String(n % 1e10).padStart(10, '0')}` }];
    expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: sim, profiles } })).status).toBe(201);
    expect((await api.call('POST', `/v1/sims/${sim}/activate`, { token: tenant.token })).status).toBe(200);
    const before = await finished((items) => items.filter((c) => c.id === cascadeId || c.subject.eid === sim), 2, 'the publish and the activation to finish');
    expect(before.find((c) => c.id === cascadeId)).toMatchObject({ status: 'partial', startedBy: 'alice' });
    expect(api.runtime.simulators.get(flaky.id)!.state()).toMatchObject({ profiles: {}, sims: {} });

    expect((await api.call('POST', `/v1/mnos/${flaky.id}/outage/clear`, { token: api.admin, body: {} })).status).toBe(200);
    const caughtUp = platforms(await finished(platforms, 2, 'two catch-up cascades to finish'));
    expect(caughtUp.map((c) => [c.subject.kind, c.status, c.targets.map((t) => t.mno)]).sort()).toEqual([
      ['policy', 'succeeded', [flaky.id]],
      ['sim-state', 'succeeded', [flaky.id]],
    ]);
    const network = api.runtime.simulators.get(flaky.id)!.state();
    expect(Object.keys(network.profiles)).toEqual([`${tenant.id}.fleet`]);
    expect(network.sims[profiles[0]!.iccid]).toBe('active');
    expect((await api.call('GET', `/v1/sims/${sim}`, { token: tenant.token })).body.observed).toEqual({ [flaky.id]: 'active' });
  });

  it('no rollback: v8 published while an MNO is down, the fault cleared, v9 published; redriving v8 is refused and the MNO keeps v9', async () => {
    const policy = (apn: string) => ({ data: { apns: [apn] } });
    expect((await api.call('POST', `/v1/mnos/${steady.id}/outage`, { token: api.admin, body: { reason: 'down' } })).status).toBe(200);
    expect((await api.call('PUT', '/v1/policies/rollback', { token: tenant.token, body: policy('v8.acme') })).status).toBe(200);
    const v8 = (await api.call('POST', '/v1/policies/rollback/publish', { token: tenant.token })).body;
    await finished((items) => items.filter((c) => c.id === v8.cascadeId), 1, 'v8 to finish');
    expect((await api.call('POST', `/v1/mnos/${steady.id}/outage/clear`, { token: api.admin, body: {} })).status).toBe(200);
    expect((await api.call('PUT', '/v1/policies/rollback', { token: tenant.token, body: policy('v9.acme') })).status).toBe(200);
    const v9 = (await api.call('POST', '/v1/policies/rollback/publish', { token: tenant.token })).body;
    // v8 may be caught up at the MNO first, or v9 published before the catch-up looked (then v9's own cascade carries it).
    const settledAll = await finished((items) => items.filter((c) => c.id === v8.cascadeId || c.id === v9.cascadeId), 2, 'v8 and v9 to finish');
    expect(settledAll.find((c) => c.id === v9.cascadeId)?.status).toBe('succeeded');
    await eventually(cascades, (items) => items.every((c) => c.status !== 'running'), 'every cascade to finish', { timeout: 60_000, interval: 50 });

    const redrive = await api.call('POST', `/v1/cascades/${v8.cascadeId}/redrive`, { token: tenant.token });
    expect(redrive.status).toBe(409);
    expect(redrive.body).toMatchObject({ type: '/problems/cascade-superseded' });
    const held = api.runtime.simulators.get(steady.id)!.state().profiles[`${tenant.id}.rollback`] as { apns?: string[]; apn_allow_list?: string[] };
    expect(JSON.stringify(held)).toContain('v9.acme');
    expect(JSON.stringify(held)).not.toContain('v8.acme');
  });

  it('chosen after the publish: the latest version of the policy goes there', async () => {
    const already = platforms(await cascades()).length;
    expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [steady.id, flaky.id, late.id] } })).status).toBe(200);
    const caughtUp = platforms(await finished(platforms, already + 2, 'the catch-ups to the new MNO to finish'));
    const there = caughtUp.filter((c) => c.targets[0]?.mno === late.id).map((c) => [c.status, c.subject]);
    expect(there).toEqual(
      expect.arrayContaining([
        ['succeeded', { kind: 'policy', policyId: 'fleet', version: 1 }],
        ['succeeded', { kind: 'policy', policyId: 'rollback', version: 2 }],
      ]),
    );
    expect(Object.keys(api.runtime.simulators.get(late.id)!.state().profiles).sort()).toEqual([`${tenant.id}.fleet`, `${tenant.id}.rollback`]);
  });
});
