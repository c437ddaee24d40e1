import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = unique();
const spec = (name: string, style: SimulatedMno['style']): SimulatedMno => ({ id: `${name}-${run}`, name, style, plmns: ['262-91'], countries: ['DE'], capabilities: [] });
const rest = spec('rest', 'rest-oauth2');
const jobs = spec('jobs', 'async-jobs');
const legacy = spec('legacy', 'legacy-ratelimited');
const fast = Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5]));

let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [rest, jobs, legacy], stepFunctions: { waitTimeOverrides: { WaitForJob: 5, BackOffBeforeResubmit: 5 }, retryIntervalOverrides: fast } });
  tenant = await api.tenant('sims:write sims:read policies:write policies:read');
  await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [rest.id, jobs.id, legacy.id] } });
});
afterAll(() => api.stop());

/** The SIM's cascades from the list (a read model: eventually consistent), once `count` of them have finished. */
const finishedCascadesOf = (eidValue: string, count: number) =>
  eventually(
    async () => (await api.call('GET', '/v1/cascades?limit=100', { token: tenant.token })).body.items.filter((c: { subject: { eid?: string } }) => c.subject.eid === eidValue),
    (items) => items.length === count && items.every((c: { status: string }) => c.status !== 'running'),
    `${count} finished cascades of ${eidValue}`,
    { timeout: 60_000, interval: 25 },
  );

/** Polls the SIM until every hosting MNO is observed in `state`. */
const observedAll = (eidValue: string, mnos: string[], state: string) =>
  eventually(
    async () => (await api.call('GET', `/v1/sims/${eidValue}`, { token: tenant.token })).body,
    (sim) => mnos.every((m) => sim.observed?.[m] === state),
    `${state} observed at ${mnos.join(', ')}`,
    { timeout: 60_000, interval: 25 },
  );

describe('SIM lifecycle changes reach the MNO of its enabled profile', () => {
  it('activate, suspend, terminate: desired state at once, observed at the enabled profile’s MNO once it confirms it', async () => {
    const n = unique();
    const m = unique();
    const profiles = [
      { iccid: iccid(n % 1e12), mno: rest.id, imsi: imsi(n % 1e10) },
      { iccid: iccid(m % 1e12), mno: jobs.id, imsi: imsi(m % 1e10), fallback: true },
    ];
    const id = eid(n);
    expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: id, profiles } })).status).toBe(201);
    const activated = await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token });
    expect(activated.body).toMatchObject({ state: 'active', observed: {}, enabledProfile: profiles[0]!.iccid });
    expect(activated.body.profiles.map((p: { state: string; fallback: boolean }) => [p.state, p.fallback])).toEqual([
      ['enabled', false],
      ['disabled', true],
    ]);

    // Only the enabled profile's subscription is in use: its MNO gets the state; the fallback's MNO is not called.
    await observedAll(id, [rest.id], 'active');
    expect(api.runtime.simulators.get(rest.id)!.state().sims[profiles[0]!.iccid]).toBe('ACTIVE');
    expect(api.runtime.simulators.get(jobs.id)!.state().sims[profiles[1]!.iccid]).toBeUndefined();
    // No state reached the other MNOs (the health probe may have asked them how they are: not work).
    expect(api.runtime.simulators.get(legacy.id)!.state().sims).toEqual({});

    await api.call('POST', `/v1/sims/${id}/suspend`, { token: tenant.token });
    await observedAll(id, [rest.id], 'suspended');
    await api.call('POST', `/v1/sims/${id}/terminate`, { token: tenant.token });
    const bob = await tenant.tokenFor('sims:write', 'bob');
    await api.call('POST', `/v1/sims/${id}/terminate/approve`, { token: bob });
    const terminated = await observedAll(id, [rest.id], 'terminated');
    expect(terminated.state).toBe('terminated');
    expect(terminated.observed).toEqual({ [rest.id]: 'terminated' });
    expect(api.runtime.simulators.get(jobs.id)!.state().sims).toEqual({});
    expect(api.runtime.simulators.get(rest.id)!.state().sims[profiles[0]!.iccid]).toBe('DEACTIVATED');

    const simCascades = await finishedCascadesOf(id, 3);
    expect(simCascades.map((c: { subject: { state: string } }) => c.subject.state).sort()).toEqual(['active', 'suspended', 'terminated']);
    expect(simCascades.every((c: { status: string }) => c.status === 'succeeded')).toBe(true);
  });

  it('a change superseded before it reached an MNO is skipped there, and the latest wins', async () => {
    const n = unique();
    const id = eid(n);
    expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: id, profiles: [{ iccid: iccid(n % 1e12), mno: legacy.id, imsi: imsi(n % 1e10) }] } })).status).toBe(201);
    api.runtime.simulators.get(legacy.id)!.setFaults({ latencyMs: 150 });
    await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token });
    await api.call('POST', `/v1/sims/${id}/suspend`, { token: tenant.token });
    await api.call('POST', `/v1/sims/${id}/resume`, { token: tenant.token });
    const sim = await observedAll(id, [legacy.id], 'active');
    expect(sim.state).toBe('active');
    api.runtime.simulators.get(legacy.id)!.setFaults({});
    await api.runtime.cascades.engine.idle();
    expect(api.runtime.simulators.get(legacy.id)!.state().sims[iccid(n % 1e12)]).toBe('A');
    // Each change's cascade either reached the MNO or was superseded by a later one (then the cascade says so); none failed.
    const cascades = await finishedCascadesOf(id, 3);
    for (const c of cascades) {
      const [target] = c.targets;
      expect(target.status === 'verified' || (target.status === 'superseded' && c.status === 'superseded'), JSON.stringify(c)).toBe(true);
    }
  });
});
