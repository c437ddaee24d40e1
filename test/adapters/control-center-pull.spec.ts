import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CmpPullError, controlCenterPull, parseControlCenterTime, type CmpPull } from '../../adapters/signals/control-center-pull.ts';
import type { PushRecord } from '../../adapters/signals/push-format.ts';
import { pullStore, startMnoSimulator, type MnoSimulator, type PullStore } from '../../infra/local/mno-simulators/index.ts';

/** The Control Center pull client against a simulated MNO (async-jobs, its apiKey) serving a pull store on 127.0.0.1. */
const ICCID = '8944900000000000010';
const IMEI = '490154203237518';

let sim: MnoSimulator;
let store: PullStore;
/** The clock both sides read: the store's modification times and months, the client's cycle. */
let clock = new Date('2025-03-15T12:00:00.000Z');
const now = () => clock;
let client: CmpPull;

beforeAll(async () => {
  sim = await startMnoSimulator({ id: 'northwind-de', style: 'async-jobs' });
});
afterAll(() => sim.stop());
beforeEach(() => {
  clock = new Date('2025-03-15T12:00:00.000Z');
  store = pullStore({ now });
  sim.attachPull(store);
  sim.setFaults({});
  client = controlCenterPull({ endpoint: sim.url, username: 'switchboard', apiKey: sim.credentials.apiKey!, now, timeoutMs: 2_000 });
});

const caught = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('it resolved'), (e: unknown) => e as CmpPullError);
const usage = (bytes: number, timestamp: string, iccid = ICCID): PushRecord => ({ type: 'usage', iccid, bytesUplink: 0, bytesDownlink: bytes, timestamp });
const attach = (timestamp: string, servingPlmn = '262-91', country = 'DE', imei: string | null = IMEI): PushRecord => ({
  type: 'session', iccid: ICCID, event: 'attach', servingPlmn, country, ...(imei && { imei }), rat: '4G', timestamp,
});
const sms = (direction: 'MO' | 'MT', otherParty: string, timestamp: string): PushRecord => ({ type: 'sms', iccid: ICCID, direction, otherParty, timestamp });

describe('controlCenterPull against the simulator', () => {
  it('modifiedSince reads every page (50 a page) and only devices modified after the time', async () => {
    const iccids = Array.from({ length: 120 }, (_, i) => `8944900000000${String(i).padStart(5, '0')}0`);
    await store.deliver(iccids.slice(0, 100).map((iccid) => usage(10, '2025-03-15T11:00:00.000Z', iccid)));
    clock = new Date('2025-03-15T12:01:00.000Z');
    await store.deliver(iccids.slice(100).map((iccid) => usage(10, '2025-03-15T12:00:30.000Z', iccid)));
    const before = sim.state().calls;
    expect(await client.modifiedSince('2025-03-15T11:59:00.000Z')).toEqual(iccids);
    expect(sim.state().calls - before).toBe(3);
    expect(await client.modifiedSince('2025-03-15T12:00:00.000Z')).toEqual(iccids.slice(100));
    expect(await client.modifiedSince('2025-03-15T12:01:00.000Z')).toEqual([]);
    expect(await caught(client.modifiedSince('not a time'))).toMatchObject({ transient: false, message: 'since is not a date-time (ISO 8601)' });
  });

  it('usage: the calendar month of the request, its data bytes summed, its SMS counted', async () => {
    await store.deliver([
      usage(1_500, '2025-03-01T00:00:00.000Z'),
      usage(2_500, '2025-03-15T11:00:00.000Z'),
      usage(9_000, '2025-02-28T23:59:59.000Z'),
      sms('MO', '+491701234567', '2025-03-15T11:05:00.000Z'),
      sms('MT', '+491701234568', '2025-03-15T11:06:00.000Z'),
    ]);
    expect(await client.usage(ICCID)).toEqual({ cycle: '2025-03', bytes: 4_000, sms: 2 });
    clock = new Date('2025-04-01T00:00:00.000Z');
    expect(await client.usage(ICCID)).toEqual({ cycle: '2025-04', bytes: 0, sms: 0 });
    expect(await caught(client.usage('8944900000000000028'))).toMatchObject({ transient: false, status: 404 });
  });

  it('usage: an answer given while the month turned is transient (its cycle is unknown)', async () => {
    await store.deliver([usage(1, '2025-03-31T23:59:59.000Z')]);
    let calls = 0;
    const turning = controlCenterPull({ endpoint: sim.url, username: 'u', apiKey: sim.credentials.apiKey!, now: () => new Date(calls++ === 0 ? '2025-03-31T23:59:59.999Z' : '2025-04-01T00:00:00.000Z') });
    expect(await caught(turning.usage(ICCID))).toMatchObject({ transient: true, message: expect.stringMatching(/month turned/) });
  });

  it('sessions started after a time, oldest first, with the serving network, IMEI and RAT, times back in ISO', async () => {
    await store.deliver([
      attach('2025-03-15T09:00:00.000Z'),
      attach('2025-03-15T11:00:00.000Z', '208-01', 'FR', '356938035643809'),
      attach('2025-03-15T10:00:00.000Z', '262-91', 'DE', null),
    ]);
    expect(await client.sessions(ICCID, '2025-03-15T09:00:00.000Z')).toEqual([
      { started: '2025-03-15T10:00:00.000Z', plmn: '262-91', country: 'DE', rat: '4G' },
      { started: '2025-03-15T11:00:00.000Z', plmn: '208-01', country: 'FR', imei: '356938035643809', rat: '4G' },
    ]);
    expect(await client.sessions(ICCID, '2025-03-15 10:59:59.999+0000')).toHaveLength(1);
    expect(await client.sessions(ICCID, '2025-03-15T11:00:00+00:00')).toEqual([]);
  });

  it('SMS in (from, to], oldest first, the other party by direction, never the text', async () => {
    await store.deliver([
      sms('MO', '+491701234567', '2025-03-15T10:00:00.000Z'),
      sms('MT', '+491709999999', '2025-03-15T10:30:00.000Z'),
      sms('MO', '+33612345678', '2025-03-15T11:00:00.000Z'),
      sms('MT', '+491700000000', '2025-03-15T11:00:00.001Z'),
    ]);
    const got = await client.sms(ICCID, '2025-03-15T10:00:00.000Z', '2025-03-15T11:00:00.000Z');
    expect(got).toEqual([
      { id: '2', direction: 'mt', party: '+491709999999', at: '2025-03-15T10:30:00.000Z' },
      { id: '3', direction: 'mo', party: '+33612345678', at: '2025-03-15T11:00:00.000Z' },
    ]);
    expect(JSON.stringify(got)).not.toMatch(/simulated message|messageText/);
    expect(await client.sms(ICCID, '2025-03-15T09:00:00.000Z', '2025-03-15T12:00:00.000Z')).toHaveLength(4);
    expect(await client.sms(ICCID, '2025-03-15T10:00:00.000Z', '2025-03-15T10:00:00.000Z')).toEqual([]);
    expect(await caught(client.sms(ICCID, '2025-03-15T11:00:00.000Z', '2025-03-15T10:00:00.000Z'))).toMatchObject({ transient: false });
  });

  it('SMS: more than a page of ids', async () => {
    const t = (i: number) => new Date(Date.parse('2025-03-15T10:00:00.000Z') + i * 1000).toISOString();
    await store.deliver(Array.from({ length: 60 }, (_, i) => sms('MT', '+491709999999', t(i + 1))));
    const got = await client.sms(ICCID, '2025-03-15T10:00:00.000Z', '2025-03-15T11:00:00.000Z');
    expect(got.map((m) => m.id)).toEqual(Array.from({ length: 60 }, (_, i) => String(i + 1)));
  });

  it('a wrong API key: the credentials were refused, not transient, the key quoted nowhere', async () => {
    await store.deliver([usage(1, '2025-03-15T11:00:00.000Z')]);
    const wrong = controlCenterPull({ endpoint: sim.url, username: 'switchboard', apiKey: 'not-the-key-4711' });
    const error = await caught(wrong.usage(ICCID));
    expect(error).toBeInstanceOf(CmpPullError);
    expect(error).toMatchObject({ transient: false, status: 401, message: expect.stringMatching(/refused the credentials \(HTTP 401 10000001\)/) });
    expect(`${error.message} ${error.stack}`).not.toContain('not-the-key-4711');
    expect(error.message).not.toContain(Buffer.from('switchboard:not-the-key-4711').toString('base64'));
  });

  it('5xx, 429 and no answer are transient', async () => {
    await store.deliver([usage(1, '2025-03-15T11:00:00.000Z')]);
    sim.setFaults({ failFirst: 1 });
    expect(await caught(client.usage(ICCID))).toMatchObject({ transient: true, status: 503 });
    sim.setFaults({ throttle: true });
    expect(await caught(client.modifiedSince('2025-03-15T00:00:00Z'))).toMatchObject({ transient: true, status: 429 });
    sim.setFaults({ outage: true });
    expect(await caught(client.sessions(ICCID, '2025-03-15T00:00:00Z'))).toMatchObject({ transient: true, message: expect.stringMatching(/no answer/) });
    sim.setFaults({ latencyMs: 1_000 });
    const impatient = controlCenterPull({ endpoint: sim.url, username: 'u', apiKey: sim.credentials.apiKey!, timeoutMs: 100 });
    expect(await caught(impatient.usage(ICCID))).toMatchObject({ transient: true, message: expect.stringMatching(/no answer within 100 ms/) });
    sim.setFaults({});
    expect(await client.usage(ICCID)).toMatchObject({ bytes: 1 });
  });
});

describe('controlCenterPull against a CMP answering junk', () => {
  /** A tiny Control Center stand-in: `answer(path)` is the status and body of each call. */
  let server: Server;
  let answer: (path: string, query: URLSearchParams) => [number, string];
  let junk: CmpPull;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const [status, body] = answer(url.pathname.replace('/rws/api/v1/', ''), url.searchParams);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    junk = controlCenterPull({ endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, username: 'u', apiKey: 'k' });
  });
  afterAll(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  afterEach(() => {
    answer = () => [500, '{}'];
  });

  it('names the field a malformed answer got wrong, quoting none of its values', async () => {
    answer = () => [200, JSON.stringify({ devices: [{ iccid: 'secret-looking-value' }], pageNumber: 1, lastPage: true })];
    const error = await caught(junk.modifiedSince('2025-03-15T00:00:00Z'));
    expect(error).toMatchObject({ transient: false, message: 'Control Center GET devices: unexpected answer: devices[0].iccid: an ICCID is 18–22 digits' });
    expect(error.message).not.toContain('secret-looking-value');

    answer = () => [200, JSON.stringify({ iccid: ICCID, ctdDataUsage: '12', ctdSMSUsage: -1 })];
    expect((await caught(junk.usage(ICCID))).message).toMatch(/unexpected answer: ctdDataUsage: .*expected number, received string; ctdSMSUsage: Too small/);

    // Control Center's own sessionInfo (no `sessions`: its latest session only) is not enough.
    answer = () => [200, JSON.stringify({ iccid: ICCID, dateSessionStarted: '2016-04-18 17:31:34.000+0000', dateSessionEnded: null, ipAddress: '10.0.0.1' })];
    expect((await caught(junk.sessions(ICCID, '2016-01-01T00:00:00Z'))).message).toMatch(/unexpected answer: sessions: /);
    answer = () => [200, JSON.stringify({ iccid: ICCID, sessions: [{ dateSessionStarted: '18/04/2016', servingPlmn: '26291', country: 'DE' }] })];
    expect((await caught(junk.sessions(ICCID, '2016-01-01T00:00:00Z'))).message).toMatch(/sessions\[0\]\.dateSessionStarted: not a date-time.*sessions\[0\]\.servingPlmn: a PLMN id is MCC-MNC/);
  });

  it('an answer that is not JSON is transient; one for another device is refused', async () => {
    answer = () => [200, '<html>maintenance</html>'];
    expect(await caught(junk.usage(ICCID))).toMatchObject({ transient: true, message: 'Control Center GET devices/8944900000000000010/ctdUsages: the answer (HTTP 200) is not JSON' });
    answer = () => [200, JSON.stringify({ iccid: '8944900000000000028', ctdDataUsage: 1, ctdSMSUsage: 0 })];
    expect(await caught(junk.usage(ICCID))).toMatchObject({ transient: false, message: expect.stringMatching(/another device/) });
    answer = () => [403, JSON.stringify({ errorCode: '10000001', errorMessage: 'Invalid credentials for user u with key k' })];
    expect(await caught(junk.usage(ICCID))).toMatchObject({ transient: false, message: expect.stringMatching(/refused the credentials \(HTTP 403 10000001\)$/) });
  });

  it('SMS: Control Center itself as the other party is skipped; an SMS of another device is refused', async () => {
    const detail = (id: number, extra: Record<string, unknown>) => JSON.stringify({ smsMsgId: id, iccid: ICCID, msgType: 'MT', sentFrom: 'Server', sentTo: '+882312345', dateSent: '2025-03-15T10:30:00Z', messageText: 'hi', ...extra });
    answer = (path) =>
      path === 'smsMessages' ? [200, JSON.stringify({ smsMsgIds: [7, '8'], pageNumber: 1, lastPage: true })] : [200, detail(Number(path.split('/')[1]), path.endsWith('8') ? { sentFrom: '+491701234567' } : {})];
    expect(await junk.sms(ICCID, '2025-03-15T10:00:00Z', '2025-03-15T11:00:00Z')).toEqual([{ id: '8', direction: 'mt', party: '+491701234567', at: '2025-03-15T10:30:00.000Z' }]);
    answer = (path) => (path === 'smsMessages' ? [200, JSON.stringify({ smsMsgIds: [7], pageNumber: 1, lastPage: true })] : [200, detail(7, { iccid: '8944900000000000028' })]);
    expect(await caught(junk.sms(ICCID, '2025-03-15T10:00:00Z', '2025-03-15T11:00:00Z'))).toMatchObject({ transient: false, message: expect.stringMatching(/another device's/) });
  });

  it('a listing whose records moved while paged is read again; one that keeps moving is transient', async () => {
    // Read 1: A B | C A (A changed while paged, B... slipped: D unseen). Read 2: B C | D A.
    const reads = [
      [['A', 'B'], ['C', 'A']],
      [['B', 'C'], ['D', 'A']],
    ];
    let read = 0;
    const iccidOf = (c: string) => `89449000000000000${c.charCodeAt(0)}`;
    answer = (_path, q) => {
      const n = Number(q.get('pageNumber'));
      const page = reads[Math.min(read, reads.length - 1)]![n - 1]!;
      if (n === 2) read += 1;
      return [200, JSON.stringify({ devices: page.map((c) => ({ iccid: iccidOf(c) })), pageNumber: n, lastPage: n === 2 })];
    };
    expect((await junk.modifiedSince('2025-03-15T00:00:00Z')).sort()).toEqual(['A', 'B', 'C', 'D'].map(iccidOf));
    answer = (_path, q) => [200, JSON.stringify({ devices: [{ iccid: ICCID }], pageNumber: Number(q.get('pageNumber')), lastPage: q.get('pageNumber') === '2' })];
    expect(await caught(junk.modifiedSince('2025-03-15T00:00:00Z'))).toMatchObject({ transient: true, message: expect.stringMatching(/kept changing/) });
    answer = () => [200, JSON.stringify({ devices: [], pageNumber: 3, lastPage: true })];
    expect(await caught(junk.modifiedSince('2025-03-15T00:00:00Z'))).toMatchObject({ transient: false, message: expect.stringMatching(/asked for page 1, answered page 3/) });
  });
});

describe('Control Center times', () => {
  it('takes ISO 8601 and Control Center\'s own style, and gives ISO in UTC', () => {
    expect(parseControlCenterTime('2016-04-18 17:31:34.000+0000')).toBe('2016-04-18T17:31:34.000Z');
    expect(parseControlCenterTime('2016-04-18T19:31:34+02:00')).toBe('2016-04-18T17:31:34.000Z');
    expect(parseControlCenterTime('2016-04-18T17:31:34.123456Z')).toBe('2016-04-18T17:31:34.123Z');
    expect(parseControlCenterTime('2016-04-18 12:31-0500')).toBe('2016-04-18T17:31:00.000Z');
    for (const bad of ['2016-04-18 17:31:34', '2016-02-30T00:00:00Z', '2016-04-18T24:00:00Z', '18/04/2016', '2016-04-18T17:31:34+2500', ''])
      expect(parseControlCenterTime(bad), bad).toBeUndefined();
  });
});
