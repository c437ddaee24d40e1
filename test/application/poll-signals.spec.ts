import { describe, expect, it } from 'vitest';
import { memoryPullState } from '../../adapters/signals/memory-pull-state.ts';
import { memoryBatchIds } from '../../adapters/signals/memory-batch-ids.ts';
import { pollMno, type PollPorts } from '../../application/signals/poll.ts';
import type { CmpPull, SignalBatch } from '../../application/signals/ports.ts';
import { iccid, imei } from '../support/ids.ts';

/** The pull path (application/signals/poll.ts): a CMP polled from a watermark; nothing missed or counted twice across stops and restarts. */
const A = iccid(61);
let clock = Date.parse('2026-12-05T10:00:00.000Z');
const at = (minutes: number) => new Date(Date.parse('2026-12-05T10:00:00.000Z') + minutes * 60_000).toISOString();

/** A CMP as Switchboard reads it: one device whose cycle-to-date usage grows, with sessions and SMS. */
const cmp = () => {
  const device = { bytes: 0, sms: [] as { id: string; direction: 'mo' | 'mt'; party: string; at: string }[], sessions: [] as { started: string; plmn: string; country: string; imei?: string }[], modified: '' };
  const client: CmpPull = {
    modifiedSince: async (since) => (device.modified > since ? [A] : []),
    usage: async () => ({ cycle: '2026-12', bytes: device.bytes, sms: device.sms.length }),
    sessions: async (_i, after) => device.sessions.filter((s) => s.started > after),
    sms: async (_i, from, to) => device.sms.filter((m) => m.at > from && m.at <= to),
  };
  return { device, client };
};

const harness = (state = memoryPullState()) => {
  const queued: SignalBatch[] = [];
  const ids = memoryBatchIds(() => clock);
  let failSends = false;
  const ports: PollPorts = {
    state,
    queue: { send: async (b) => (failSends ? Promise.reject(new Error('queue down')) : void queued.push(b)) },
    batchIds: ids,
    nowMs: () => clock,
  };
  return { ports, queued, state, failWith: (f: boolean) => (failSends = f) };
};
const bytesOf = (batches: SignalBatch[]) => batches.flatMap((b) => b.signals).reduce((sum, s) => sum + (s.kind === 'usage' ? s.bytes : 0), 0);

describe('polling a CMP', () => {
  it('given usage growing between polls, then each poll queues the growth only, with the new sessions and SMS, and the watermark moves on', async () => {
    const { device, client } = cmp();
    const h = harness();
    device.bytes = 1000;
    device.modified = at(1);
    device.sessions.push({ started: at(1), plmn: '262-91', country: 'DE', imei: imei(61) });
    clock = Date.parse(at(2));
    expect(await pollMno(h.ports, client, 'north')).toMatchObject({ devices: 1, failures: [], advanced: true });
    device.bytes = 1500;
    device.modified = at(3);
    device.sms.push({ id: 's1', direction: 'mt', party: '+4915112345678', at: at(3) });
    clock = Date.parse(at(4));
    await pollMno(h.ports, client, 'north');
    expect(bytesOf(h.queued)).toBe(1500);
    expect(h.queued.flatMap((b) => b.signals).map((s) => s.kind)).toEqual(['usage', 'session', 'usage', 'sms']);
    clock = Date.parse(at(5));
    await pollMno(h.ports, client, 'north');
    expect(h.queued).toHaveLength(2);
  });

  it('a poll that stops after saving a reading and before queueing its batch: the next poll (a restart, the same table) queues it once, and counts nothing twice', async () => {
    const { device, client } = cmp();
    const state = memoryPullState();
    const first = harness(state);
    device.bytes = 700;
    device.modified = at(11);
    clock = Date.parse(at(12));
    first.failWith(true);
    expect((await pollMno(first.ports, client, 'north')).failures).toHaveLength(1);
    expect(first.queued).toHaveLength(0);
    // A restart: the same table, a fresh process; the CMP has moved on meanwhile.
    const second = harness(state);
    second.ports.batchIds = first.ports.batchIds;
    device.bytes = 900;
    device.modified = at(13);
    clock = Date.parse(at(14));
    await pollMno(second.ports, client, 'north');
    expect(bytesOf(second.queued)).toBe(900);
    expect(second.queued).toHaveLength(2);
  });

  it('a poll that stops after queueing and before clearing the outbox: the batch id was taken, so it is not queued again', async () => {
    const { device, client } = cmp();
    const h = harness();
    device.bytes = 300;
    device.modified = at(21);
    clock = Date.parse(at(22));
    const clear = h.state.clearOutbox;
    h.state.clearOutbox = async () => Promise.reject(new Error('stopped'));
    await pollMno(h.ports, client, 'north');
    h.state.clearOutbox = clear;
    clock = Date.parse(at(23));
    await pollMno(h.ports, client, 'north');
    expect(bytesOf(h.queued)).toBe(300);
    expect(h.queued).toHaveLength(1);
  });
});

describe('polling a CMP: what it does late, badly or at its rate', () => {
  const fakeClient = (d: { cycle: string; bytes: number; modified: string; last?: { cycle: string; bytes: number }; sms?: { id: string; direction: 'mo' | 'mt'; party: string; at: string }[] }): CmpPull => ({
    modifiedSince: async (since) => (d.modified > since ? [A] : []),
    usage: async (_i, cycle) => (cycle && d.last?.cycle === cycle ? { ...d.last, sms: 0 } : { cycle: d.cycle, bytes: d.bytes, sms: 0 }),
    sessions: async () => [],
    sms: async (_i, from, to) => (d.sms ?? []).filter((m) => m.at > from && m.at <= to),
  });

  it('at a new cycle, the last one’s growth after the last reading is counted there, then the new one’s', async () => {
    const h = harness();
    const d = { cycle: '2026-11', bytes: 1000, modified: '2026-11-30T23:58:30.000Z' };
    clock = Date.parse('2026-11-30T23:59:00Z');
    await pollMno(h.ports, fakeClient(d), 'north');
    Object.assign(d, { cycle: '2026-12', bytes: 10, modified: '2026-12-01T00:00:30.000Z', last: { cycle: '2026-11', bytes: 5000 } });
    clock = Date.parse('2026-12-01T00:01:00Z');
    await pollMno(h.ports, fakeClient(d), 'north');
    const usage = h.queued.flatMap((b) => b.signals).filter((s) => s.kind === 'usage');
    expect(usage.map((s) => [s.kind === 'usage' && s.bytes, s.at.slice(0, 7)])).toEqual([[1000, '2026-11'], [4000, '2026-11'], [10, '2026-12']]);
  });

  it('an SMS the CMP lists after the poll that should have read it (its own latency) is read by the next, once', async () => {
    const h = harness();
    const d = { cycle: '2026-12', bytes: 0, modified: '2026-12-05T11:01:00.000Z', sms: [] as { id: string; direction: 'mo' | 'mt'; party: string; at: string }[] };
    clock = Date.parse('2026-12-05T11:02:00Z');
    await pollMno(h.ports, fakeClient(d), 'north');
    d.sms.push({ id: '1', direction: 'mo', party: '+4915112345678', at: '2026-12-05T11:01:30.000Z' });
    d.modified = '2026-12-05T11:03:00.000Z';
    clock = Date.parse('2026-12-05T11:04:00Z');
    await pollMno(h.ports, fakeClient(d), 'north');
    d.modified = '2026-12-05T11:05:00.000Z';
    clock = Date.parse('2026-12-05T11:06:00Z');
    await pollMno(h.ports, fakeClient(d), 'north');
    expect(h.queued.flatMap((b) => b.signals).filter((s) => s.kind === 'sms')).toHaveLength(1);
  });

  it('a device whose reading fails holds up no other: the watermark moves on, and the device is read again by the next poll', async () => {
    const h = harness();
    const B = iccid(62);
    let broken = true;
    const client: CmpPull = {
      modifiedSince: async (since) => (since < '2026-12-05T11:50:00.000Z' ? [A, B] : []),
      usage: async (i) => (i === B && broken ? Promise.reject(new Error('a record it cannot answer')) : { cycle: '2026-12', bytes: 100, sms: 0 }),
      sessions: async () => [],
      sms: async () => [],
    };
    clock = Date.parse('2026-12-05T12:01:00Z');
    expect(await pollMno(h.ports, client, 'north')).toMatchObject({ devices: 2, failures: [{ iccid: B }], advanced: true });
    broken = false;
    clock = Date.parse('2026-12-05T12:10:00Z');
    expect(await pollMno(h.ports, client, 'north')).toMatchObject({ devices: 1, failures: [], advanced: true });
    expect(h.queued.map((b) => b.signals[0]!.iccid).sort()).toEqual([A, B].sort());
  });

  it('an MNO’s rate budget is waited for, not failed on: a sweep of many calls keeps to it', async () => {
    const { admitPatiently } = await import('../../application/mnos.ts');
    const { MnoRateLimited } = await import('../../application/ports/mno-gateway.ts');
    let second = 0;
    let used = 0;
    const timer = setInterval(() => ((second += 1), (used = 0)), 20);
    const admit = admitPatiently(async () => {
      if (++used > 3) throw new MnoRateLimited('spent');
    }, 40, () => 5);
    try {
      await Promise.all(Array.from({ length: 12 }, () => admit()));
    } finally {
      clearInterval(timer);
    }
    expect(second).toBeGreaterThanOrEqual(3);
  });
});
