import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { northAndSouth } from '../support/north-south.ts';

/**
 * Automatic fallback on the local runtime, with its simulated MNOs and devices: an MNO declared in
 * outage moves a fleet off it by a bulk operation anyone can follow; SIMs without a usable
 * fallback are listed as skipped and named by an alert; with automatic return, the fleet goes back
 * after the hold-down once the MNO has recovered.
 */
const [north, south] = northAndSouth();
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [north, south], devicePollMs: 100, stepFunctions: { retryIntervalOverrides: { SelectSims: 5, ProcessChunk: 5, CompleteBulk: 5 } } });
  tenant = await api.tenant('sims:write sims:read policies:write policies:read');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [north.id, south.id] } })).status).toBe(200);
});
afterAll(() => api.stop());

const register = async (withFallback: boolean) => {
  const n = unique();
  const id = eid(n);
  const [home, away] = [iccid(n % 1e12), iccid((n + 1) % 1e12)];
  const profiles = [{ iccid: home, mno: north.id, imsi: imsi(n % 1e10) }, ...(withFallback ? [{ iccid: away, mno: south.id, imsi: imsi((n + 1) % 1e10), fallback: true }] : [])];
  expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: id, profiles } })).status).toBe(201);
  expect((await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token })).status).toBe(200);
  return { id, home, away };
};
const sim = async (id: string) => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body;
const fallbackOps = async () => ((await api.call('GET', '/v1/bulk-operations', { token: tenant.token })).body.items as any[]).filter((o) => o.startedBy === 'switchboard:fallback');

describe('automatic fallback', () => {
  it('an outage switches the fleet to its fallback profiles, lists and names the SIMs left behind, and (automatic return) switches it back after the hold-down', async () => {
    expect((await api.call('PUT', '/v1/enterprise/settings', { token: tenant.token, body: { fallbackReturn: 'automatic', fallbackReturnAfterSeconds: 1 } })).body).toMatchObject({ fallbackReturn: 'automatic', fallbackReturnAfterSeconds: 1 });
    const fleet = [await register(true), await register(true), await register(true)];
    const stranded = await register(false);
    // The read model knows where each SIM's enabled profile is before the MNO fails.
    await eventually(async () => (await api.call('GET', `/v1/sims?mno=${north.id}&limit=100`, { token: tenant.token })).body.items, (items) => items.filter((i: any) => i.state === 'active').length === 4, 'the fleet active in the read model');

    expect((await api.call('POST', `/v1/mnos/${north.id}/outage`, { token: api.admin, body: { reason: 'core network down' } })).status).toBe(200);
    let fallbackId = '';
    try {
      const [op] = await eventually(fallbackOps, (ops) => ops.length === 1, 'the fallback operation');
      fallbackId = op.id;
      const done = await eventually(async () => (await api.call('GET', `/v1/bulk-operations/${op.id}`, { token: tenant.token })).body, (b) => b.status !== 'running', 'the fallback to complete', { timeout: 60_000, interval: 100 });
      expect(done).toMatchObject({ status: 'succeeded', action: 'enable-profile', request: { awayFrom: north.id }, counts: { total: 4, succeeded: 3, failed: 0, skipped: 1 }, skippedBy: { 'no-fallback': 1 } });
      expect(done.items.find((i: any) => i.eid === stranded.id)).toMatchObject({ outcome: 'skipped', code: 'no-fallback' });
      // The alert names the SIM left on the MNO in outage.
      const alert = await eventually(() => (api.runtime.bus.archive as any[]).find((e) => e['detail-type'] === 'SimsLeftWithoutFallback' && e.detail.streamId.endsWith(op.id)), (e) => e !== undefined, 'the alert');
      expect(alert!.detail.data).toEqual({ mno: north.id, count: 1, eids: [stranded.id] });
      // Every device ran its switch: the fleet is on its fallback profile, active at the fallback's MNO.
      for (const s of fleet)
        await eventually(() => sim(s.id), (b) => b.enabledProfile === s.away && b.observed?.[south.id] === 'active', `${s.id} on its fallback`, { timeout: 30_000, interval: 100 });
      expect((await sim(stranded.id)).enabledProfile).toBe(stranded.home);
    } finally {
      expect((await api.call('POST', `/v1/mnos/${north.id}/outage/clear`, { token: api.admin, body: {} })).status).toBe(200);
    }
    // Recovered: after the hold-down the switched SIMs go back; the one never moved is not touched.
    const back = await eventually(fallbackOps, (ops) => ops.length === 2, 'the return operation');
    const returned = back.find((o) => o.id !== fallbackId);
    const ret = await eventually(async () => (await api.call('GET', `/v1/bulk-operations/${returned.id}`, { token: tenant.token })).body, (b) => b.status !== 'running', 'the return to complete', { timeout: 60_000, interval: 100 });
    expect(ret).toMatchObject({ status: 'succeeded', request: { mno: north.id, selector: { operation: fallbackId, outcome: 'succeeded' } }, counts: { total: 3, succeeded: 3 } });
    expect(ret.notBefore).not.toBeNull();
    for (const s of fleet) await eventually(() => sim(s.id), (b) => b.enabledProfile === s.home && b.observed?.[north.id] === 'active', `${s.id} back home`, { timeout: 30_000, interval: 100 });
  });

  it('a return whose execution is lost while it waits out the hold-down is resumed by the reconciler, and brings the fleet back', async () => {
    const { id, home, away } = await register(true);
    await eventually(async () => (await api.call('GET', `/v1/sims?enabledOn=${north.id}&state=active&limit=100`, { token: tenant.token })).body.items, (items) => items.some((i: any) => i.eid === id), 'the SIM listed on north');
    expect((await api.call('PUT', '/v1/enterprise/settings', { token: tenant.token, body: { fallbackReturn: 'automatic', fallbackReturnAfterSeconds: 3 } })).status).toBe(200);
    expect((await api.call('POST', `/v1/mnos/${north.id}/outage`, { token: api.admin, body: { reason: 'core network down' } })).status).toBe(200);
    await eventually(() => sim(id), (b) => b.enabledProfile === away, 'the SIM on its fallback', { timeout: 30_000, interval: 100 });
    expect((await api.call('POST', `/v1/mnos/${north.id}/outage/clear`, { token: api.admin, body: {} })).status).toBe(200);
    const returning = async () => {
      const views = await Promise.all((await fallbackOps()).map(async (o) => (await api.call('GET', `/v1/bulk-operations/${o.id}?limit=0`, { token: tenant.token })).body));
      return views.filter((v) => v.status === 'running' && v.request.mno === north.id);
    };
    // (One return per recent fallback from north: this outage's, and an earlier test's.)
    const returns = await eventually(returning, (ops) => ops.length >= 1, 'the returns waiting out their hold-down');
    // Their process dies while they wait: the executions are gone (as a local runtime that was killed leaves them).
    const engine = api.runtime.cascades.engine;
    for (const ret of returns) {
      const execution = await eventually(() => [...engine.executions.values()].find((e) => e.name === `${ret.id}-a0`), (e) => e?.status === 'RUNNING', 'the return execution');
      engine.stop(execution!.executionArn, 'Runtime.Stopped', 'the process died');
    }
    await api.runtime.schedules.runNow();
    for (const ret of returns) {
      const done = await eventually(async () => (await api.call('GET', `/v1/bulk-operations/${ret.id}`, { token: tenant.token })).body, (b) => b.status !== 'running', 'the resumed return to complete', { timeout: 60_000, interval: 100 });
      expect(done).toMatchObject({ status: 'succeeded' });
      expect([...engine.executions.values()].find((e) => e.name === `${ret.id}-a1`)?.status).toBe('SUCCEEDED');
    }
    await eventually(() => sim(id), (b) => b.enabledProfile === home, 'the SIM back home', { timeout: 30_000, interval: 100 });
  });

  it('an MNO whose CMP fails the health probe for the configured time is declared in outage by the probe, which starts fallback; answering again clears it', async () => {
    const { id, away } = await register(true);
    await eventually(async () => (await api.call('GET', `/v1/sims?enabledOn=${north.id}&state=active&limit=100`, { token: tenant.token })).body.items, (items) => items.some((i: any) => i.eid === id), 'the SIM listed as enabled on the MNO');
    const before = (await fallbackOps()).length;
    const mno = async () => (await api.call('GET', `/v1/mnos/${north.id}`, { token: api.admin })).body;
    process.env.MNO_PROBE_FAIL_AFTER_MS = '0';
    api.runtime.simulators.get(north.id)!.setFaults({ outage: true });
    try {
      // The first failed probe starts the count; the next (failing for 0 ms counts) declares the outage.
      const detected = await eventually(async () => (await api.runtime.schedules.runNow(), await mno()), (m) => m.available === false, 'the outage detected', { timeout: 10_000, interval: 10 });
      expect(detected).toMatchObject({ probeFailingSince: expect.any(String), outage: { detectedBy: 'health-probe', reason: expect.stringContaining('failed the health probe since') } });
      await eventually(fallbackOps, (ops) => ops.length === before + 1, 'fallback started by the detected outage');
      await eventually(() => sim(id), (b) => b.enabledProfile === away, 'the SIM on its fallback', { timeout: 30_000, interval: 100 });
    } finally {
      api.runtime.simulators.get(north.id)!.setFaults({});
      process.env.MNO_PROBE_FAIL_AFTER_MS = '86400000';
    }
    const recovered = await eventually(async () => (await api.runtime.schedules.runNow(), await mno()), (m) => m.available === true, 'the outage cleared by the probe', { timeout: 10_000, interval: 10 });
    expect(recovered.outage).toBeUndefined();
    expect(recovered.probeFailingSince).toBeUndefined();
  });
});
