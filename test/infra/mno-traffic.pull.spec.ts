import { afterEach, describe, expect, it } from 'vitest';
import type { PushRecord } from '../../adapters/signals/push-format.ts';
import { pullStore, startMnoSimulator, startTraffic, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';
import { MAX_KEPT, type PullStore } from '../../infra/local/mno-simulators/traffic-pull.ts';

/** The simulated MNOs' pull side: a store the traffic generator delivers to, serving Control Center's routes. */
const ICCID = '8944900000000000010';
const OTHER = '8944900000000000028';
const KEY = 'the-api-key';
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

const usage = (bytes: number, timestamp: string, iccid = ICCID): PushRecord => ({ type: 'usage', iccid, bytesUplink: Math.floor(bytes / 4), bytesDownlink: bytes - Math.floor(bytes / 4), timestamp });
const attach = (timestamp: string, extra: Partial<Extract<PushRecord, { type: 'session' }>> = {}, iccid = ICCID): PushRecord => ({
  type: 'session', iccid, event: 'attach', servingPlmn: '262-91', country: 'DE', rat: '4G', imei: '490154203237518', timestamp, ...extra,
});
const sms = (direction: 'MO' | 'MT', otherParty: string, timestamp: string, iccid = ICCID): PushRecord => ({ type: 'sms', iccid, direction, otherParty, timestamp });
const flow = (timestamp: string): PushRecord => ({ type: 'flow', iccid: ICCID, destinationIPAddress: '203.0.113.9', destinationTransportPort: 443, protocolIdentifier: 6, octetDeltaCount: 900, flowEndMilliseconds: timestamp });

/** A store with a clock the test moves, and a way to call its routes without HTTP. */
const storeAt = (start: string) => {
  let t = new Date(start);
  const store = pullStore({ now: () => t });
  const get = (path: string, query: Record<string, string> = {}, authorization = basic('anyone', KEY)) => {
    const reply = store.handle({ method: 'GET', path: `/rws/api/v1/${path}`, query: new URLSearchParams(query), headers: { authorization }, body: Buffer.alloc(0) }, { apiKey: KEY });
    return reply as { status: number; json: any };
  };
  return { store, get, at: (iso: string) => (t = new Date(iso)) };
};

describe('the pull store', () => {
  it('sums usage per calendar month (this and the last only), counts SMS and sessions, ignores flows', async () => {
    const { store, get } = storeAt('2025-03-15T12:00:00.000Z');
    await store.deliver([
      usage(1000, '2025-03-01T00:00:00.000Z'),
      usage(2500, '2025-03-15T11:59:00.000Z'),
      usage(7000, '2025-02-28T23:59:59.999Z'),
      usage(9999, '2025-01-31T10:00:00.000Z'),
      attach('2025-03-15T11:00:00.000Z'),
      sms('MO', '+491701234567', '2025-03-15T11:01:00.000Z'),
      sms('MT', '+491701234568', '2025-03-15T11:02:00.000Z'),
      flow('2025-03-15T11:03:00.000Z'),
    ]);
    expect(get(`devices/${ICCID}/ctdUsages`).json).toMatchObject({ iccid: ICCID, ctdDataUsage: 3500, ctdSMSUsage: 2, ctdSessionCount: 1, imei: '490154203237518', status: 'ACTIVATED' });
    expect(store.stats()).toEqual({ devices: 1, sessions: 1, sms: 2, ignored: 2 });
    expect(get(`devices/${OTHER}/ctdUsages`)).toMatchObject({ status: 404 });
  });

  it('keeps the previous month until the month after, then drops it', async () => {
    const { store, get, at } = storeAt('2025-03-31T23:00:00.000Z');
    await store.deliver([usage(4000, '2025-03-31T22:00:00.000Z')]);
    at('2025-04-01T00:10:00.000Z');
    await store.deliver([usage(100, '2025-04-01T00:05:00.000Z'), usage(50, '2025-03-31T23:59:00.000Z')]);
    expect(get(`devices/${ICCID}/ctdUsages`).json.ctdDataUsage).toBe(100);
    at('2025-05-01T00:00:00.000Z');
    await store.deliver([usage(1, '2025-03-31T23:59:00.000Z')]);
    expect(store.stats().ignored).toBe(1);
  });

  it('lists devices modified strictly after modifiedSince, oldest change first, in pages', async () => {
    const { store, get, at } = storeAt('2025-03-15T10:00:00.000Z');
    const iccids = Array.from({ length: 5 }, (_, i) => `89449000000000001${i}0`);
    await store.deliver(iccids.slice(0, 3).map((iccid) => usage(10, '2025-03-15T10:00:00.000Z', iccid)));
    at('2025-03-15T10:05:00.000Z');
    await store.deliver([iccids[3]!, iccids[4]!, iccids[0]!].map((iccid) => usage(10, '2025-03-15T10:05:00.000Z', iccid)));
    await store.deliver([flow('2025-03-15T10:05:00.000Z')]);
    const all = get('devices', { modifiedSince: '2025-03-15T09:59:59.999Z' }).json;
    expect(all.devices.map((d: { iccid: string }) => d.iccid)).toEqual([iccids[1], iccids[2], iccids[0], iccids[3], iccids[4]]);
    expect(all).toMatchObject({ pageNumber: 1, lastPage: true });
    expect(get('devices', { modifiedSince: '2025-03-15T10:00:00.000Z' }).json.devices).toHaveLength(3);
    expect(get('devices', { modifiedSince: '2025-03-15 10:05:00.000+0000' }).json.devices).toEqual([]);
    const page2 = get('devices', { modifiedSince: '2025-03-15T10:00:00.000Z', pageSize: '2', pageNumber: '2' }).json;
    expect(page2).toEqual({ devices: [{ iccid: iccids[4], status: 'ACTIVATED', ratePlan: expect.any(String), communicationPlan: expect.any(String) }], pageNumber: 2, lastPage: true });
    expect(get('devices', { modifiedSince: '2025-03-15T10:00:00.000Z', pageSize: '2' }).json.lastPage).toBe(false);
    expect(get('devices', { modifiedSince: 'yesterday' })).toMatchObject({ status: 400, json: { errorCode: 'INVALID_MODIFIED_SINCE' } });
    expect(get('devices', {})).toMatchObject({ status: 400 });
    expect(get('devices', { modifiedSince: '2025-03-15T10:00:00Z', pageSize: '51' })).toMatchObject({ status: 400 });
  });

  it('serves sessions in Control Center time style, extended with the serving network and device; a detach or the next attach ends one', async () => {
    const { store, get } = storeAt('2025-03-15T12:00:00.000Z');
    expect(get(`devices/${ICCID}/sessionInfo`).status).toBe(404);
    await store.deliver([
      attach('2025-03-15T10:00:00.000Z'),
      attach('2025-03-15T11:00:00.000Z', { servingPlmn: '208-01', country: 'FR', imei: '356938035643809', rat: 'LTE-M' }),
      { type: 'session', iccid: ICCID, event: 'detach', servingPlmn: '208-01', country: 'FR', timestamp: '2025-03-15T11:30:00.000Z' },
    ]);
    const info = get(`devices/${ICCID}/sessionInfo`).json;
    expect(info).toMatchObject({ iccid: ICCID, dateSessionStarted: '2025-03-15 11:00:00.000+0000', dateSessionEnded: '2025-03-15 11:30:00.000+0000', ipAddress: expect.stringMatching(/^10\./) });
    expect(info.sessions).toEqual([
      { dateSessionStarted: '2025-03-15 10:00:00.000+0000', dateSessionEnded: '2025-03-15 11:00:00.000+0000', ipAddress: expect.any(String), servingPlmn: '262-91', country: 'DE', imei: '490154203237518', ratType: '4G' },
      { dateSessionStarted: '2025-03-15 11:00:00.000+0000', dateSessionEnded: '2025-03-15 11:30:00.000+0000', ipAddress: expect.any(String), servingPlmn: '208-01', country: 'FR', imei: '356938035643809', ratType: 'LTE-M' },
    ]);
  });

  it('finds SMS in an inclusive window, a page at a time, and serves each with its text', async () => {
    const { store, get } = storeAt('2025-03-15T12:00:00.000Z');
    await store.deliver([
      sms('MO', '+491701234567', '2025-03-15T10:00:00.000Z'),
      sms('MT', '+491709999999', '2025-03-15T10:30:00.000Z'),
      sms('MO', '+491701234567', '2025-03-15T11:00:00.000Z'),
      sms('MT', '+491700000000', '2025-03-15T10:45:00.000Z', OTHER),
    ]);
    const ids = (q: Record<string, string>) => get('smsMessages', q).json.smsMsgIds as number[];
    expect(ids({ fromDate: '2025-03-15T10:00:00Z', toDate: '2025-03-15T10:30:00Z', iccid: ICCID })).toEqual([1, 2]);
    expect(ids({ fromDate: '2025-03-15T10:00:00Z', iccid: ICCID, msgType: 'MO' })).toEqual([1, 3]);
    expect(ids({ fromDate: '2025-03-15T00:00:00Z' })).toEqual([1, 2, 4, 3]);
    expect(get('smsMessages', { fromDate: '2025-03-15T00:00:00Z', pageSize: '3', pageNumber: '2' }).json).toEqual({ smsMsgIds: [3], pageNumber: 2, lastPage: true });
    expect(get('smsMessages/2').json).toMatchObject({ smsMsgId: 2, iccid: ICCID, msgType: 'MT', sentFrom: '+491709999999', sentTo: expect.stringMatching(/^\+882/), dateSent: '2025-03-15 10:30:00.000+0000', messageText: expect.any(String) });
    expect(get('smsMessages/1').json).toMatchObject({ msgType: 'MO', sentTo: '+491701234567' });
    expect(get('smsMessages', { toDate: '2025-03-15T00:00:00Z' }).status).toBe(400);
    expect(get('smsMessages/99').status).toBe(404);
  });

  it(`keeps at most ${MAX_KEPT} sessions and SMS a device`, async () => {
    const { store, get } = storeAt('2025-03-15T12:00:00.000Z');
    const t = (i: number) => new Date(Date.parse('2025-03-15T00:00:00.000Z') + i * 1000).toISOString();
    await store.deliver(Array.from({ length: MAX_KEPT + 20 }, (_, i) => [attach(t(i)), sms('MO', '+491701234567', t(i))]).flat());
    expect(store.stats()).toMatchObject({ sessions: MAX_KEPT, sms: MAX_KEPT });
    expect(get(`devices/${ICCID}/sessionInfo`).json.sessions[0].dateSessionStarted).toBe('2025-03-15 00:00:20.000+0000');
    expect(get('smsMessages/20').status).toBe(404);
    expect(get('smsMessages/21').status).toBe(200);
    expect(get(`devices/${ICCID}/ctdUsages`).json).toMatchObject({ ctdSMSUsage: MAX_KEPT + 20, ctdSessionCount: MAX_KEPT + 20 });
  });

  it('answers 401 without the key (any user name goes), and nothing outside /rws/', async () => {
    const { store, get } = storeAt('2025-03-15T12:00:00.000Z');
    await store.deliver([usage(1, '2025-03-15T11:00:00.000Z')]);
    expect(get(`devices/${ICCID}/ctdUsages`, {}, basic('', KEY)).status).toBe(200);
    expect(get(`devices/${ICCID}/ctdUsages`, {}, basic('anyone', 'wrong'))).toMatchObject({ status: 401, json: { errorCode: '10000001' } });
    expect(get(`devices/${ICCID}/ctdUsages`, {}, 'Bearer x').status).toBe(401);
    expect(store.handle({ method: 'GET', path: '/api/sims/1', headers: {}, body: Buffer.alloc(0) }, { apiKey: KEY })).toBeUndefined();
  });
});

describe('a simulator serving a pull store', () => {
  let sim: MnoSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  const call = (path: string, authorization?: string) => fetch(`${sim!.url}/rws/api/v1/${path}`, { headers: authorization ? { authorization } : {} });

  it('serves the routes over HTTP behind Basic auth with its apiKey and its fault gate, the traffic generator delivering', async () => {
    sim = await startMnoSimulator({ id: 'northwind-de', style: 'async-jobs' });
    const auth = basic('switchboard', sim.credentials.apiKey!);
    // Before any traffic: the API is there, with no devices (a poll at start-up finds nothing, not a 404).
    expect(await (await call('devices?modifiedSince=2025-01-01T00:00:00Z', auth)).json()).toMatchObject({ devices: [], lastPage: true });
    const store: PullStore = pullStore();
    sim.attachPull(store);
    const generator = startTraffic({ mnoId: 'northwind-de', homePlmn: '262-91', country: 'DE', sims: () => [{ iccid: ICCID, imei: '490154203237518' }], deliver: store.deliver, tickMs: 3_600_000 });
    sim.attachTraffic(generator);
    await generator.tick();
    await generator.setAnomaly(ICCID, { smsFrom: '+491701234567' });

    const listed = await call(`devices?modifiedSince=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`, auth);
    expect(await listed.json()).toMatchObject({ devices: [{ iccid: ICCID, status: 'ACTIVATED' }], pageNumber: 1, lastPage: true });
    expect(await (await call(`devices/${ICCID}/ctdUsages`, auth)).json()).toMatchObject({ ctdDataUsage: expect.any(Number), ctdSMSUsage: 1, ctdSessionCount: 1 });
    expect((await call(`devices/${ICCID}/ctdUsages`)).status).toBe(401);
    expect((await call(`devices/${ICCID}/ctdUsages`, basic('switchboard', 'nope'))).status).toBe(401);
    sim.setFaults({ failFirst: 1 });
    expect((await call(`devices/${ICCID}/ctdUsages`, auth)).status).toBe(503);
    expect((await call(`devices/${ICCID}/ctdUsages`, auth)).status).toBe(200);
    expect(sim.state().calls).toBe(7);
  });

  it('needs an apiKey: a style without one cannot serve the routes', async () => {
    sim = await startMnoSimulator({ id: 'oauth-mno', style: 'rest-oauth2' });
    expect(() => sim!.attachPull(pullStore())).toThrow(/apiKey/);
  });
});
