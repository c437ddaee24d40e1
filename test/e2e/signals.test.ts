import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../adapters/signals/push-format.ts';
import { POLICY_RULES } from '../../domain/policy/rules.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imei, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { signalKeyIn } from '../support/signal-keys.ts';
import { northAndSouth } from '../support/north-south.ts';

/**
 * Continuous verification on the local runtime: the simulated MNOs push network records (signed with
 * their signal keys) when a test sets an anomaly on them; Switchboard counts, detects, alerts and
 * contains by the enterprise's policy, within seconds.
 */
// north enforces every rule (so it can hold a SIM in quarantine); south none.
const [north, south] = ((pair) => [{ ...pair[0], capabilities: [...POLICY_RULES] }, pair[1]] as const)(northAndSouth());
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
let security: string;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [north, south] });
  tenant = await api.tenant('sims:write sims:read policies:write policies:read alerts:read alerts:write');
  security = await tenant.tokenFor('sims:write sims:read alerts:read alerts:write', 'sec-bob');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [north.id, south.id] } })).status).toBe(200);
  const policy = { imeiLock: true, roaming: { countries: ['DE'] }, caps: { dataMbPerMonth: 1 }, responses: { 'imei-mismatch': 'suspend' } };
  expect((await api.call('PUT', '/v1/policies/fleet', { token: tenant.token, body: policy })).status).toBe(200);
  expect((await api.call('POST', '/v1/policies/fleet/publish', { token: tenant.token })).status).toBe(202);
  expect((await api.call('PUT', '/v1/enterprise/settings', { token: tenant.token, body: { policyId: 'fleet' } })).status).toBe(200);
});
afterAll(() => api.stop());

const register = async () => {
  const n = unique();
  const sim = { eid: eid(n), iccid: iccid(n % 1e12), imei: imei(n % 1e6) };
  const body = { eid: sim.eid, imei: sim.imei, profiles: [{ iccid: sim.iccid, mno: north.id, imsi: imsi(n % 1e10) }] };
  expect((await api.call('POST', '/v1/sims', { token: tenant.token, body })).status).toBe(201);
  expect((await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: tenant.token })).status).toBe(200);
  // Active at the MNO: its CMP sends records for it.
  await eventually(() => getSim(sim.eid), (s) => s.observed?.[north.id] === 'active', `${sim.eid} active at ${north.id}`);
  return sim;
};
const getSim = async (id: string) => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body;
const anomaly = (mno: string, id: string, body: unknown) => fetch(`${api.runtime.simulators.get(mno)!.url}/_sim/traffic/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const signalKey = (mno: string) => signalKeyIn(api.dataDir, mno);
const push = (mno: string, body: unknown, headers: Record<string, string>) => api.call('POST', `/v1/signals/${mno}`, { raw: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const signed = (mno: string, body: unknown, key = signalKey(mno), nowMs = Date.now()) => push(mno, body, signedHeaders(key, JSON.stringify(body), nowMs));
const alertsOf = async (id: string, query = '') => (await api.call('GET', `/v1/alerts?eid=${id}${query}`, { token: security })).body.items as any[];

describe('a SIM moved into another device', () => {
  it('is detected, alerted and suspended at its MNO by the guard within seconds; the alert is followed, acknowledged and resolved; a person releases the SIM', async () => {
    const sim = await register();
    const started = Date.now();
    expect((await anomaly(north.id, sim.iccid, { imei: imei(999_001) })).status).toBe(200);
    const contained = await eventually(() => getSim(sim.eid), (s) => s.state === 'suspended' && s.observed?.[north.id] === 'suspended', 'the SIM suspended at its MNO', { timeout: 20_000 });
    const detectToContainMs = Date.now() - started;
    expect(detectToContainMs).toBeLessThan(20_000);
    expect(contained.containment).toMatchObject({ by: 'switchboard:guard', kind: 'imei-mismatch', releaseApprovals: 1 });
    const [alert] = await eventually(() => alertsOf(sim.eid), (items) => items.length === 1 && items[0].contained, 'the alert in the list');
    expect(alert).toMatchObject({ id: contained.containment.alertId, kind: 'imei-mismatch', status: 'open', response: 'suspend', iccid: sim.iccid, mno: north.id });
    const detail = (await api.call('GET', `/v1/alerts/${alert.id}`, { token: security })).body;
    expect(detail.evidence.first).toMatchObject({ signal: 'session', registeredImei: sim.imei, seenImei: imei(999_001) });
    // The CMP holds the SIM suspended: the stolen device's traffic stops there.
    expect(api.runtime.simulators.get(north.id)!.simStatus(sim.iccid)).toBe('suspended');

    const ack = await api.call('POST', `/v1/alerts/${alert.id}/acknowledge`, { token: security, body: { reason: 'on it' } });
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledged: { by: 'sec-bob', reason: 'on it' } });
    const resolved = await api.call('POST', `/v1/alerts/${alert.id}/resolve`, { token: security, body: { reason: 'device recovered' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolved: { by: 'sec-bob' } });
    expect((await api.call('POST', `/v1/alerts/${alert.id}/acknowledge`, { token: security })).status).toBe(409);
    await anomaly(north.id, sim.iccid, {}).catch(() => undefined);
    await fetch(`${api.runtime.simulators.get(north.id)!.url}/_sim/traffic/${sim.iccid}`, { method: 'DELETE' });
    const released = await api.call('POST', `/v1/sims/${sim.eid}/resume`, { token: security, body: { reason: 'device recovered' } });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ state: 'active' });
    expect(released.body.containment).toBeUndefined();
  });

  it('the same anomaly again repeats the open alert (its count), it does not raise another; reading alerts takes alerts:read', async () => {
    const sim = await register();
    await anomaly(north.id, sim.iccid, { plmn: '234-15' });
    await eventually(() => alertsOf(sim.eid, '&kind=roaming-not-allowed'), (items) => items.length === 1, 'the roaming alert');
    await anomaly(north.id, sim.iccid, { plmn: '234-15' });
    const [alert] = await eventually(() => alertsOf(sim.eid, '&kind=roaming-not-allowed'), (items) => items[0]?.count >= 2, 'the alert repeated');
    expect(alert).toMatchObject({ status: 'open', response: 'alert', contained: false });
    expect(alert).not.toHaveProperty('evidence');
    expect((await getSim(sim.eid)).state).toBe('active');
    expect((await alertsOf(sim.eid, '&status=open')).map((a) => a.kind).sort()).toEqual(['roaming-not-allowed']);
    const noScope = await tenant.tokenFor('sims:read');
    expect((await api.call('GET', '/v1/alerts', { token: noScope })).status).toBe(403);
    expect((await api.call('POST', `/v1/alerts/${alert.id}/resolve`, { token: await tenant.tokenFor('alerts:read') })).status).toBe(403);
    await fetch(`${api.runtime.simulators.get(north.id)!.url}/_sim/traffic/${sim.iccid}`, { method: 'DELETE' });
  });
});

describe('quarantine', () => {
  it('a device talking to a destination its policy forbids is quarantined: active, held at its MNO to the management destinations only; a person releases it', async () => {
    const quarantine = { destinations: [{ cidr: '198.51.100.0/24', protocol: 'tcp', ports: [443] }] };
    const policy = { data: { destinations: [{ cidr: '10.0.0.0/8', protocol: 'tcp' }] }, responses: { 'destination-not-allowed': 'quarantine' }, quarantine };
    const other = await api.tenant('sims:write sims:read policies:write policies:read alerts:read alerts:write');
    expect((await api.call('PUT', '/v1/enterprise/mnos', { token: other.token, body: { mnos: [north.id, south.id] } })).status).toBe(200);
    expect((await api.call('PUT', '/v1/policies/guarded', { token: other.token, body: policy })).status).toBe(200);
    expect((await api.call('POST', '/v1/policies/guarded/publish', { token: other.token })).status).toBe(202);
    expect((await api.call('PUT', '/v1/enterprise/settings', { token: other.token, body: { policyId: 'guarded' } })).status).toBe(200);
    const n = unique();
    const sim = { eid: eid(n), iccid: iccid(n % 1e12) };
    expect((await api.call('POST', '/v1/sims', { token: other.token, body: { eid: sim.eid, profiles: [{ iccid: sim.iccid, mno: north.id, imsi: imsi(n % 1e10) }] } })).status).toBe(201);
    expect((await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: other.token })).status).toBe(200);
    const read = async () => (await api.call('GET', `/v1/sims/${sim.eid}`, { token: other.token })).body;
    await eventually(read, (s) => s.observed?.[north.id] === 'active', 'active at its MNO');

    expect((await anomaly(north.id, sim.iccid, { destination: '203.0.113.9:22' })).status).toBe(200);
    const held = await eventually(read, (s) => s.observed?.[north.id] === 'quarantined', 'quarantined at its MNO', { timeout: 20_000 });
    expect(held).toMatchObject({ state: 'active', quarantined: true, containment: { by: 'switchboard:guard', response: 'quarantine', kind: 'destination-not-allowed' } });
    const cmp = api.runtime.simulators.get(north.id)!;
    expect(cmp.simStatus(sim.iccid)).toBe('quarantined');
    expect(JSON.stringify(cmp.state().restrictions?.[sim.iccid])).toContain('198.51.100.0/24');

    await fetch(`${cmp.url}/_sim/traffic/${sim.iccid}`, { method: 'DELETE' });
    expect((await api.call('POST', `/v1/sims/${sim.eid}/resume`, { token: other.token, body: { reason: 'fixed the firmware' } })).body).toMatchObject({ state: 'active' });
    await eventually(read, (s) => s.observed?.[north.id] === 'active' && !s.quarantined, 'released at its MNO');
    expect(cmp.state().restrictions?.[sim.iccid]).toBeUndefined();
  });
});

describe('pushed batches', () => {
  const usage = (id: string, bytes: number) => ({ type: 'usage', iccid: id, bytesUplink: bytes, bytesDownlink: 0, timestamp: new Date().toISOString() });

  it('signed, taken once; unsigned, wrongly signed, stale or replayed, refused and nothing counted', async () => {
    const sim = await register();
    const batch = (id: string) => ({ batchId: id, records: [usage(sim.iccid, 1000)] });
    const ok = await signed(north.id, batch(`b-${unique()}`));
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ accepted: 1, refused: [] });
    const again = batch(`b-${unique()}`);
    expect((await signed(north.id, again)).status).toBe(202);
    expect((await signed(north.id, again)).body).toMatchObject({ status: 409, type: '/problems/batch-replayed' });
    expect((await push(north.id, batch(`b-${unique()}`), {})).body).toMatchObject({ status: 401, type: '/problems/signature-required' });
    expect((await signed(north.id, batch(`b-${unique()}`), 'not-the-key')).body).toMatchObject({ status: 401, type: '/problems/signature-refused' });
    expect((await signed(north.id, batch(`b-${unique()}`), signalKey(north.id), Date.now() - 6 * 60_000)).body).toMatchObject({ status: 401, type: '/problems/signature-stale' });
    expect((await signed('nobody-mno', batch(`b-${unique()}`), 'x')).status).toBe(401);
    await api.runtime.queues.idle();
    const seen = (await api.call('GET', `/v1/sims/${sim.eid}/usage`, { token: tenant.token })).body;
    expect(seen).toMatchObject({ eid: sim.eid, bytes: 2000, byMno: { [north.id]: { bytes: 2000, sms: 0 } }, caps: { dataBytes: 1_000_000 }, used: { data: 0.002 }, overCap: false });
  });

  it('a SIM past its data cap is alerted, shows over cap in its usage, and is listed by ?overCap=true; the others are not', async () => {
    const [over, under] = [await register(), await register()];
    expect((await signed(north.id, { batchId: `b-${unique()}`, records: [usage(over.iccid, 1_200_000), usage(under.iccid, 10)] })).status).toBe(202);
    await api.runtime.queues.idle();
    expect((await api.call('GET', `/v1/sims/${over.eid}/usage`, { token: tenant.token })).body).toMatchObject({ overCap: true, used: { data: 1.2 } });
    const listed = await eventually(async () => (await api.call('GET', '/v1/sims?overCap=true', { token: tenant.token })).body.items as any[], (items) => items.some((i) => i.eid === over.eid), 'the SIM listed over its cap');
    expect(listed.map((i) => i.eid)).not.toContain(under.eid);
    expect((await api.call('GET', '/v1/sims?overCap=yes', { token: tenant.token })).status).toBe(400);
  });

  it('bad records are named by index and the rest taken; a batch of none that fits is a 400', async () => {
    const sim = await register();
    const r = await signed(north.id, { batchId: `b-${unique()}`, records: [usage(sim.iccid, 5), { type: 'usage', iccid: 'x' }, { type: 'teleport' }] });
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    expect(r.body.refused.map((x: any) => x.index)).toEqual([1, 2]);
    const none = await signed(north.id, { batchId: `b-${unique()}`, records: [{ type: 'teleport' }] });
    expect(none.body).toMatchObject({ status: 400, type: '/problems/no-valid-records' });
  });

  it('another MNO’s records about a SIM it does not host contain nothing, though signed', async () => {
    const sim = await register();
    const session = { type: 'session', iccid: sim.iccid, event: 'attach', imei: imei(999_002), servingPlmn: '262-91', country: 'DE', timestamp: new Date().toISOString() };
    expect((await signed(south.id, { batchId: `b-${unique()}`, records: [session] })).status).toBe(202);
    await api.runtime.queues.idle();
    expect(await alertsOf(sim.eid)).toEqual([]);
    expect((await getSim(sim.eid)).state).toBe('active');
  });
});
