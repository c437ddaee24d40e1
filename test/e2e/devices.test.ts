import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { deviceMade, northAndSouth } from '../support/north-south.ts';

/**
 * The local runtime's simulated devices: every SIM registered gets one, which fetches its eIM
 * packages, runs them on its eUICC and reports back; one offline gets them in order when back; a
 * profile on an MNO in outage does not attach, so the switch rolls back.
 */
const [north, south] = northAndSouth();
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [north, south], devicePollMs: 100 });
  tenant = await api.tenant('sims:write sims:read policies:write');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [north.id, south.id] } })).status).toBe(200);
});
afterAll(() => api.stop());

const register = async () => {
  const n = unique();
  const id = eid(n);
  const [home, away] = [iccid(n % 1e12), iccid((n + 1) % 1e12)];
  const body = { eid: id, profiles: [{ iccid: home, mno: north.id, imsi: imsi(n % 1e10) }, { iccid: away, mno: south.id, imsi: imsi((n + 1) % 1e10), fallback: true }] };
  expect((await api.call('POST', '/v1/sims', { token: tenant.token, body })).status).toBe(201);
  await deviceMade(api, id);
  return { id, home, away };
};
const packageOf = (id: string, counter: number) =>
  eventually(async () => (await api.call('GET', `/v1/sims/${id}/eim-packages/${counter}`, { token: tenant.token })).body, (p) => p.status !== 'queued', `package ${counter} of ${id} to be answered`, { timeout: 20_000, interval: 50 });
const device = async (id: string, online: boolean) =>
  expect((await fetch(`${api.runtime.devices.url}/_sim/devices/${id}`, { method: 'PUT', body: JSON.stringify({ online }) })).status).toBe(204);

describe('simulated devices on the local runtime', () => {
  it('a registered SIM’s device switches profile when asked, and the active SIM’s state follows it to the new MNO', async () => {
    const { id, home, away } = await register();
    expect((await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token })).status).toBe(200);
    await eventually(async () => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body, (s) => s.observed?.[north.id] === 'active', 'the SIM active at its first MNO', { timeout: 30_000, interval: 100 });
    await api.call('POST', `/v1/sims/${id}/profiles/${away}/enable`, { token: tenant.token });
    expect(await packageOf(id, 1)).toMatchObject({ status: 'executed', results: [{ outcome: 'ok' }] });
    expect((await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body.enabledProfile).toBe(away);
    // The new profile's subscription is active; the previous one's is set out of use.
    const sim = await eventually(
      async () => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body,
      (s) => s.observed?.[south.id] === 'active' && s.observed?.[north.id] === 'suspended',
      'the SIM active at the new MNO and suspended at the old',
      { timeout: 30_000, interval: 100 },
    );
    expect(sim.observed).toEqual({ [north.id]: 'suspended', [south.id]: 'active' });
    expect(api.runtime.simulators.get(south.id)!.state().sims[away]).toBe('ACTIVE');
    expect(api.runtime.simulators.get(north.id)!.state().sims[home]).toBe('SUSPENDED');
  });

  it('an offline device gets its packages in order when it is back', async () => {
    const { id, home, away } = await register();
    await device(id, false);
    await api.call('POST', `/v1/sims/${id}/profiles/${away}/enable`, { token: tenant.token });
    await api.call('POST', `/v1/sims/${id}/profiles/${home}/enable`, { token: tenant.token });
    await new Promise((ok) => setTimeout(ok, 300));
    expect((await api.call('GET', `/v1/sims/${id}/eim-packages/1`, { token: tenant.token })).body.status).toBe('queued');
    await device(id, true);
    expect(await packageOf(id, 2)).toMatchObject({ status: 'executed' });
    expect(await packageOf(id, 1)).toMatchObject({ status: 'executed' });
    expect((await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body.enabledProfile).toBe(home);
  });

  it('an MNO declared in outage: its active SIMs fall back to their fallback profile by themselves (switchboard:fallback), their state follows, and the old MNO, back, sets the old profile out of use', async () => {
    const { id, away } = await register();
    expect((await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token })).status).toBe(200);
    await eventually(async () => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body, (s) => s.observed?.[north.id] === 'active', 'the SIM active at its first MNO', { timeout: 30_000, interval: 100 });
    expect((await api.call('POST', `/v1/mnos/${north.id}/outage`, { token: api.admin, body: { reason: 'core network down' } })).status).toBe(200);
    try {
      const sim = await eventually(async () => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body, (s) => s.enabledProfile === away && s.observed?.[south.id] === 'active', 'the SIM to fall back', { timeout: 30_000, interval: 100 });
      expect(sim.enabledProfile).toBe(away);
      const events = (await api.call('GET', `/v1/sims/${id}/events?limit=100`, { token: tenant.token })).body.items as { type: string; actor: string }[];
      expect(events.find((e) => e.type === 'EimPackageQueued')).toMatchObject({ actor: 'switchboard:fallback' });
    } finally {
      await api.call('POST', `/v1/mnos/${north.id}/outage/clear`, { token: api.admin, body: {} });
    }
    // Back from its outage, the old MNO is caught up: the profile no longer in use is set out of use there.
    await eventually(async () => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body, (s) => s.observed?.[north.id] === 'suspended', 'the old profile out of use at the recovered MNO', { timeout: 30_000, interval: 100 });
  });

  it('a profile on an MNO in outage does not attach: the switch rolls back, and says so', async () => {
    const { id, home, away } = await register();
    api.runtime.simulators.get(south.id)!.setFaults({ outage: true });
    try {
      await api.call('POST', `/v1/sims/${id}/profiles/${away}/enable`, { token: tenant.token });
      expect(await packageOf(id, 1)).toMatchObject({ status: 'executed', results: [{ op: 'enable', iccid: away, outcome: 'rolled-back' }] });
      expect((await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body.enabledProfile).toBe(home);
    } finally {
      api.runtime.simulators.get(south.id)!.setFaults({});
    }
  });
});
