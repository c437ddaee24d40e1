import { Signal } from '../../domain/signals/signals.ts';
import { inBatches } from '../in-batches.ts';
import { sendOnce, type BatchIds, type CmpPull, type DevicePull, type PullState, type SignalBatch, type SignalQueue } from './ports.ts';

/** A first poll looks back this far; later ones from the watermark, with an overlap for devices modified at its edge. */
export const FIRST_LOOK_BACK_MS = 60 * 60_000;
export const OVERLAP_MS = 5 * 60_000;
/** Sessions and SMS a CMP lists late (its own CDR latency) are read again for this long; those read before are known by id. */
export const LATE_MS = 15 * 60_000;
/** Devices that failed a poll are read again by the next, at most this many of them. */
export const MAX_RETRIED = 1_000;

export interface PollPorts {
  state: PullState;
  queue: SignalQueue;
  /** Batch ids taken once (the push path's, shared): a batch queued before a crash is not queued again. */
  batchIds: BatchIds;
  nowMs(): number;
}

const deliver = (ports: PollPorts, batch: SignalBatch) => sendOnce(ports.batchIds, ports.queue, batch);

const iso = (ms: number) => new Date(ms).toISOString();
const lastDayOf = (cycle: string) => {
  const [y, m] = cycle.split('-').map(Number) as [number, number];
  return iso(Date.UTC(y, m, 1) - 1);
};

/** A device's new records as signals (the domain's schema checks each; one that does not fit is left out). */
const signalsOf = (iccid: string, usage: { bytes: number; at: string }[], sessions: Awaited<ReturnType<CmpPull['sessions']>>, sms: Awaited<ReturnType<CmpPull['sms']>>) => {
  const candidates: unknown[] = [
    ...usage.filter((u) => u.bytes > 0).map((u) => ({ kind: 'usage', iccid, bytes: u.bytes, at: u.at })),
    ...sessions.map((s) => ({ kind: 'session', iccid, event: 'attach', imei: s.imei, plmn: s.plmn, country: s.country, rat: s.rat, at: s.started })),
    ...sms.map((m) => ({ kind: 'sms', iccid, direction: m.direction, party: m.party, at: m.at })),
  ];
  return candidates.flatMap((c) => {
    const parsed = Signal.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
};

/**
 * One device: a batch left in its outbox by a poll that stopped is queued first; then its usage
 * (the growth of its cycle-to-date figure since the last reading; at a new cycle, the last one's
 * final growth too), its sessions and SMS since its last reading less LATE_MS (those read before
 * known by id), saved with the batch made of them (compare-and-set), then queued. So a poll that
 * stops anywhere and is run again counts nothing twice and misses nothing: usage is a difference
 * of saved readings, records are read from where the saved reading ends, and a saved batch is
 * queued once (its id taken).
 */
const pollDevice = async (ports: PollPorts, client: CmpPull, mno: string, iccid: string, since: string, nowMs: number) => {
  const now = iso(nowMs);
  const device = await ports.state.device(mno, iccid);
  if (device?.outbox) {
    await deliver(ports, device.outbox);
    await ports.state.clearOutbox(mno, iccid, device.outbox.batchId);
  }
  const from = iso(Date.parse(device?.seenUntil ?? since) - LATE_MS);
  const [usage, started, messages] = await Promise.all([client.usage(iccid), client.sessions(iccid, from), client.sms(iccid, from, now)]);
  const known = new Set(device?.recent);
  const key = { session: (s: { started: string }) => `s:${s.started}`, sms: (m: { id: string }) => `m:${m.id}` };
  // Read up to now, both kinds; those read by an earlier poll (the late window overlaps it) left out.
  const sessions = started.filter((s) => s.started <= now && !known.has(key.session(s)));
  const sms = messages.filter((m) => !known.has(key.sms(m)));
  const growth: { bytes: number; at: string }[] = [];
  if (device && device.cycle !== usage.cycle) {
    // A new cycle: what the last one grew after the last reading is counted there.
    const last = await client.usage(iccid, device.cycle);
    growth.push({ bytes: Math.max(0, last.bytes - device.bytes), at: lastDayOf(device.cycle) });
  }
  // A cycle-to-date figure that went down (the operator corrected it) adds nothing.
  growth.push({ bytes: Math.max(0, usage.bytes - (device && device.cycle === usage.cycle ? device.bytes : 0)), at: now });
  const signals = signalsOf(iccid, growth, sessions, sms);
  const recent = [...started, ...messages.map((m) => ({ ...m, started: m.at }))].filter((r) => r.started > iso(nowMs - LATE_MS) && r.started <= now).map((r) => ('id' in r ? key.sms(r) : key.session(r)));
  if (signals.length === 0 && device && device.cycle === usage.cycle && device.bytes === usage.bytes && recent.length === (device.recent ?? []).length) return;
  const batch: SignalBatch = { mno, batchId: `pull:${iccid}:${now}`, receivedAt: now, signals };
  const reading: DevicePull = { cycle: usage.cycle, bytes: usage.bytes, sms: usage.sms, seenUntil: now, recent, outbox: signals.length > 0 ? batch : undefined };
  if (!(await ports.state.saveDevice(mno, iccid, reading, device?.version ?? 0))) return; // another poll took it
  if (signals.length === 0) return;
  await deliver(ports, batch);
  await ports.state.clearOutbox(mno, iccid, batch.batchId);
};

/**
 * A poll of one MNO's CMP (the pull path): the devices modified since its watermark (less an
 * overlap) and those that failed last time, each read and queued (8 at a time). The watermark moves
 * on with the devices that failed this time, so one device's trouble (a record its CMP will never
 * answer well) holds up no other, and it is read again next time from its own saved reading.
 */
export const pollMno = async (ports: PollPorts, client: CmpPull, mno: string, timeLeftMs: () => number = () => Infinity) => {
  const nowMs = ports.nowMs();
  const { since = iso(nowMs - FIRST_LOOK_BACK_MS), version, retry = [] } = await ports.state.watermark(mno);
  const modified = await client.modifiedSince(iso(Date.parse(since) - OVERLAP_MS));
  const devices = [...new Set([...retry, ...modified])];
  const failures: { iccid: string; error: string }[] = [];
  const unread: string[] = [];
  // Devices are started while time is left (the function's timeout, less a margin); those not reached are read next time.
  await inBatches(devices, async (iccid) => {
    if (timeLeftMs() <= 0) return void unread.push(iccid);
    await pollDevice(ports, client, mno, iccid, since, nowMs).catch((error: Error) => void failures.push({ iccid, error: error.message }));
  }, 8);
  const again = [...failures.map((f) => f.iccid), ...unread];
  // More left over than a watermark keeps: it stays where it was, and the next poll lists them again (those read have their readings).
  const advanced = again.length <= MAX_RETRIED && (await ports.state.advance(mno, version, iso(nowMs), again));
  return { mno, devices: devices.length, failures, unread: unread.length, advanced };
};
