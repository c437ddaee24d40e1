import { describe, expect, it } from 'vitest';
import { memoryPullState } from '../../adapters/signals/memory-pull-state.ts';
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
  const taken = new Set<string>();
  let failSends = false;
  const ports: PollPorts = {
    state,
    queue: { send: async (b) => (failSends ? Promise.reject(new Error('queue down')) : void queued.push(b)) },
    batchIds: { take: async (_m, id) => (taken.has(id) ? false : (taken.add(id), true)), release: async (_m, id) => void taken.delete(id) },
    nowMs: () => clock,
  };
  return { ports, queued, state, failWith: (f: boolean) => (failSends = f), taken };
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
