import { describe, expect, it } from 'vitest';
import { PushRecord, signalOfPush } from '../../adapters/signals/push-format.ts';
import { Signal } from '../../domain/signals/signals.ts';
import { seededRandom } from '../../infra/local/mno-simulators/faults.ts';
import { startTraffic, type TrafficOptions, type TrafficSim } from '../../infra/local/mno-simulators/traffic.ts';

/** The traffic generator on its own: a fake clock, a seeded RNG, a deliver that records (or fails). */
const A = '8944900000000000010';
const B = '8944900000000000028';
const IMEI = '352099001761481';
const OTHER_IMEI = '353322112233441';
const SIMS: TrafficSim[] = [{ iccid: A, imei: IMEI, destination: { ip: '203.0.113.10', port: 8883, protocol: 'tcp' } }, { iccid: B }];

const setup = (overrides: Partial<TrafficOptions> = {}) => {
  let t = Date.parse('2025-03-01T10:00:00.000Z');
  const batches: PushRecord[][] = [];
  const generator = startTraffic({
    mnoId: 'northwind-de',
    homePlmn: '262-91',
    country: 'DE',
    sims: () => SIMS,
    deliver: async (records) => void batches.push(records),
    tickMs: 3_600_000, // ticks are driven by hand
    now: () => new Date(t),
    random: seededRandom(7),
    ...overrides,
  });
  return { generator, batches, advance: (ms: number) => (t += ms), all: () => batches.flat() };
};

/** Every record is one the push format and the domain's signal schema take. */
const expectValid = (records: PushRecord[]) => {
  for (const r of records) {
    expect(PushRecord.safeParse(r).success).toBe(true);
    expect(Signal.safeParse(signalOfPush(r)).success, JSON.stringify(r)).toBe(true);
  }
};

describe('MNO traffic generator', () => {
  it('a normal tick: each active SIM attaches on the home PLMN at first, uses a few KB, flows to its destination', async () => {
    const { generator, batches, advance, all } = setup();
    await generator.tick();
    expect(batches).toHaveLength(1);
    const first = batches[0]!;
    expectValid(first);
    expect(first.filter((r) => r.type === 'session')).toEqual([
      { type: 'session', iccid: A, event: 'attach', imei: IMEI, servingPlmn: '262-91', country: 'DE', rat: '4G', timestamp: '2025-03-01T10:00:00.000Z' },
      { type: 'session', iccid: B, event: 'attach', servingPlmn: '262-91', country: 'DE', rat: '4G', timestamp: '2025-03-01T10:00:00.000Z' },
    ]);
    const usage = first.filter((r) => r.type === 'usage');
    expect(usage.map((r) => r.iccid)).toEqual([A, B]);
    for (const r of usage) expect(r.type === 'usage' && r.bytesUplink + r.bytesDownlink).toSatisfy((n: number) => n >= 1_000 && n <= 8_000);
    expect(first.filter((r) => r.type === 'flow')).toEqual([
      { type: 'flow', iccid: A, destinationIPAddress: '203.0.113.10', destinationTransportPort: 8883, protocolIdentifier: 6, octetDeltaCount: expect.any(Number), flowEndMilliseconds: '2025-03-01T10:00:00.000Z' },
    ]);
    expect(first.some((r) => r.type === 'sms')).toBe(false);

    // Later ticks: usage and flows every tick, a fresh attach now and then only.
    for (let i = 0; i < 30; i++) advance(20_000), await generator.tick();
    const later = all().slice(first.length);
    expectValid(later);
    expect(later.filter((r) => r.type === 'usage')).toHaveLength(60);
    expect(later.filter((r) => r.type === 'flow')).toHaveLength(30);
    const attaches = later.filter((r) => r.type === 'session').length;
    expect(attaches).toBeGreaterThan(3);
    expect(attaches).toBeLessThan(40);
    expect(generator.stats()).toMatchObject({ ticks: 31, generated: all().length, delivered: all().length, pending: 0, dropped: 0 });

    // The same seed, the same traffic.
    const again = setup();
    await again.generator.tick();
    expect(again.batches[0]).toEqual(first);
    await generator.stop();
    await again.generator.stop();
  });

  it('an anomaly is emitted and delivered at once, then again each tick until cleared', async () => {
    const { generator, batches, advance } = setup();
    await generator.tick();
    advance(10_000);
    const set = await generator.setAnomaly(A, { imei: OTHER_IMEI, plmn: '310-260', destination: '[2001:db8::1]:8443', bytesPerMinute: 6_000_000, smsFrom: '+491701234567' });
    expect(set).toEqual({ emitted: 4, delivered: true });
    expect(batches).toHaveLength(2);
    const at = '2025-03-01T10:00:10.000Z';
    expectValid(batches[1]!);
    expect(batches[1]).toEqual([
      { type: 'session', iccid: A, event: 'attach', imei: OTHER_IMEI, servingPlmn: '310-260', country: 'US', rat: '4G', timestamp: at },
      { type: 'flow', iccid: A, destinationIPAddress: '2001:db8::1', destinationTransportPort: 8443, protocolIdentifier: 6, octetDeltaCount: expect.any(Number), flowEndMilliseconds: at },
      { type: 'usage', iccid: A, bytesUplink: 250_000, bytesDownlink: 750_000, timestamp: at }, // 10 s at 6 MB a minute
      { type: 'sms', iccid: A, direction: 'MT', otherParty: '+491701234567', timestamp: at },
    ]);

    advance(20_000);
    await generator.tick();
    const tick = batches[2]!.filter((r) => r.iccid === A);
    expect(tick.filter((r) => r.type === 'session' && r.imei === OTHER_IMEI && r.country === 'US')).toHaveLength(1);
    expect(tick.filter((r) => r.type === 'flow').map((r) => r.type === 'flow' && r.destinationIPAddress)).toEqual(['203.0.113.10', '2001:db8::1']);
    expect(tick.filter((r) => r.type === 'usage')).toEqual([{ type: 'usage', iccid: A, bytesUplink: 500_000, bytesDownlink: 1_500_000, timestamp: '2025-03-01T10:00:30.000Z' }]);
    expect(tick.filter((r) => r.type === 'sms')).toHaveLength(1);
    expect(generator.anomalies()).toEqual({ [A]: { imei: OTHER_IMEI, plmn: '310-260', destination: '[2001:db8::1]:8443', bytesPerMinute: 6_000_000, smsFrom: '+491701234567' } });

    expect(generator.clearAnomaly(A)).toBe(true);
    advance(20_000);
    await generator.tick();
    const normal = batches[3]!.filter((r) => r.iccid === A);
    expect(normal.some((r) => r.type === 'sms' || (r.type === 'session' && r.imei === OTHER_IMEI) || (r.type === 'flow' && r.destinationIPAddress === '2001:db8::1'))).toBe(false);
    expect(normal.filter((r) => r.type === 'usage').every((r) => r.type === 'usage' && r.bytesUplink + r.bytesDownlink <= 8_000)).toBe(true);
    expect(generator.clearAnomaly(A)).toBe(false);
    await generator.stop();
  });

  it('a PLMN whose MCC names no country takes the one given; an invalid anomaly is refused naming the field', async () => {
    const { generator, batches } = setup();
    await generator.setAnomaly(B, { plmn: '901-70', country: 'NO' });
    expect(batches[0]).toEqual([expect.objectContaining({ type: 'session', servingPlmn: '901-70', country: 'NO' })]);
    await expect(generator.setAnomaly(B, { plmn: '901-70' })).rejects.toThrow(/country: required/);
    await expect(generator.setAnomaly(B, { imei: '352099001761482' })).rejects.toThrow(/imei: IMEI Luhn/);
    await generator.stop();
  });

  it('a SIM the CMP does not hold as active sends nothing, anomalies included', async () => {
    const status: Record<string, string> = { [A]: 'suspended' };
    const { generator, batches, all } = setup({ simStatus: (iccid) => status[iccid] });
    await generator.tick();
    expect(batches).toHaveLength(0); // A suspended, B unknown to the CMP
    expect(await generator.setAnomaly(A, { smsFrom: '+491701234567' })).toEqual({ emitted: 0, delivered: false });
    expect(batches).toHaveLength(0);
    status[B] = 'active';
    await generator.tick();
    expect(new Set(all().map((r) => r.iccid))).toEqual(new Set([B]));
    status[A] = 'active'; // reactivated: its anomaly is still set
    await generator.tick();
    expect(batches.at(-1)!.filter((r) => r.type === 'sms')).toEqual([expect.objectContaining({ iccid: A, otherParty: '+491701234567' })]);
    await generator.stop();
  });

  it('undelivered records are kept for the next tick, the oldest dropped beyond the bound and counted', async () => {
    let failing = true;
    const delivered: PushRecord[][] = [];
    const { generator, advance } = setup({
      maxBuffered: 10,
      deliver: async (records) => {
        if (failing) throw new Error('ingestion down');
        delivered.push(records);
      },
    });
    for (let i = 0; i < 4; i++) await generator.tick(), advance(20_000);
    const down = generator.stats();
    expect(down).toMatchObject({ ticks: 4, delivered: 0, pending: 10, failedDeliveries: 4, lastError: 'ingestion down' });
    expect(down.dropped).toBe(down.generated - 10);

    failing = false;
    await generator.tick();
    const up = generator.stats();
    expect(up).toMatchObject({ pending: 0, delivered: 10, dropped: up.generated - 10 });
    // What was kept is the newest, in order: the last tick's records all there, none of the first tick's.
    const times = delivered.flat().map((r) => ('timestamp' in r ? r.timestamp : r.flowEndMilliseconds));
    expect(times).toHaveLength(10);
    expect(times).toEqual([...times].sort());
    expect(times.at(-1)).toBe('2025-03-01T10:01:20.000Z');
    expect(times).not.toContain('2025-03-01T10:00:00.000Z');
    await generator.stop();
  });

  it('a delivery that took the first records before failing is not repeated for them', async () => {
    const calls: PushRecord[][] = [];
    let fail = true;
    const { generator } = setup({
      deliver: async (records) => {
        calls.push(records);
        if (fail) throw Object.assign(new Error('second batch refused'), { delivered: 2 });
      },
    });
    await generator.tick();
    expect(generator.stats()).toMatchObject({ delivered: 2, pending: calls[0]!.length - 2 });
    fail = false;
    await generator.setAnomaly(B, { smsFrom: '+491701234567' });
    expect(calls[1]).toEqual([...calls[0]!.slice(2), expect.objectContaining({ type: 'sms' })]);
    await generator.stop();
  });

  it('at most maxRecordsPerTick records a tick; the SIMs left over go first next tick', async () => {
    const many: TrafficSim[] = Array.from({ length: 10 }, (_, i) => ({ iccid: `89449000000000001${String(i).padStart(2, '0')}` }));
    const { generator, batches, advance } = setup({ sims: () => many, maxRecordsPerTick: 12, random: () => 0.99 });
    const seen: Array<Set<string>> = [];
    for (let i = 0; i < 3; i++) {
      await generator.tick();
      advance(20_000);
      expect(batches[i]!.length).toBeLessThanOrEqual(12);
      seen.push(new Set(batches[i]!.map((r) => r.iccid)));
    }
    expect([...seen[1]!].some((iccid) => seen[0]!.has(iccid))).toBe(false); // the second tick goes on where the first stopped
    expect(new Set(seen.flatMap((s) => [...s])).size).toBe(10);
    await generator.stop();
  });

  it('stop clears the timer and waits for the delivery in flight', async () => {
    let release!: () => void;
    const { generator } = setup({ deliver: () => new Promise<void>((resolve) => (release = resolve)) });
    const ticking = generator.tick();
    await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = generator.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await ticking;
    expect(generator.stats().delivered).toBeGreaterThan(0);
    await generator.tick(); // stopped: nothing more
    expect(generator.stats().ticks).toBe(1);
  });

  it('the timer ticks every tickMs', async () => {
    const { generator, batches } = setup({ tickMs: 20 });
    await new Promise((r) => setTimeout(r, 110));
    await generator.stop();
    expect(batches.length).toBeGreaterThanOrEqual(2);
  });
});
