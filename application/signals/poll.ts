import { Signal } from '../../domain/signals/signals.ts';
import { inBatches } from '../in-batches.ts';
import type { CmpPull, DevicePull, PullState, SignalBatch, SignalQueue } from './ports.ts';

/** A first poll looks back this far; later ones from the watermark, with an overlap for devices modified at its edge. */
export const FIRST_LOOK_BACK_MS = 60 * 60_000;
export const OVERLAP_MS = 5 * 60_000;

export interface PollPorts {
  state: PullState;
  queue: SignalQueue;
  /** Batch ids taken once (the push path's, shared): a batch queued before a crash is not queued again; one that could not be queued is given back. */
  batchIds: { take(mno: string, batchId: string): Promise<boolean>; release(mno: string, batchId: string): Promise<void> };
  nowMs(): number;
}

/** Queues a batch once: its id taken, then sent (and the id given back when it could not be). */
const deliver = async (ports: PollPorts, batch: SignalBatch) => {
  if (!(await ports.batchIds.take(batch.mno, batch.batchId))) return;
  await ports.queue.send(batch).catch(async (error: unknown) => {
    await ports.batchIds.release(batch.mno, batch.batchId);
    throw error;
  });
};

/** A device's new records as signals (the domain's schema checks each; one that does not fit is left out). */
const signalsOf = (iccid: string, now: string, deltaBytes: number, sessions: Awaited<ReturnType<CmpPull['sessions']>>, sms: Awaited<ReturnType<CmpPull['sms']>>) => {
  const candidates: unknown[] = [
    ...(deltaBytes > 0 ? [{ kind: 'usage', iccid, bytes: deltaBytes, at: now }] : []),
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
 * (the growth of its cycle-to-date figure since the last reading), its sessions and SMS since its
 * last reading, saved with the batch made of them (compare-and-set), then queued. So a poll that
 * stops anywhere and is run again counts nothing twice and misses nothing: usage is a difference of
 * saved readings, records are read from where the saved reading ends, and a saved batch is queued
 * once (its id taken).
 */
const pollDevice = async (ports: PollPorts, client: CmpPull, mno: string, iccid: string, since: string, now: string) => {
  let device = await ports.state.device(mno, iccid);
  if (device?.outbox) {
    await deliver(ports, device.outbox);
    await ports.state.clearOutbox(mno, iccid, device.outbox.batchId);
  }
  const from = device?.seenUntil ?? since;
  const [usage, started, sms] = await Promise.all([client.usage(iccid), client.sessions(iccid, from), client.sms(iccid, from, now)]);
  // Read up to now, both kinds: what started since is the next poll's.
  const sessions = started.filter((s) => s.started <= now);
  const prior = device && device.cycle === usage.cycle ? device : { bytes: 0 };
  // A cycle-to-date figure that went down (the operator corrected it) adds nothing.
  const signals = signalsOf(iccid, now, Math.max(0, usage.bytes - prior.bytes), sessions, sms);
  if (signals.length === 0 && device && device.cycle === usage.cycle && device.bytes === usage.bytes) return;
  const batch: SignalBatch = { mno, batchId: `pull:${iccid}:${now}`, receivedAt: now, signals };
  const reading: DevicePull = { cycle: usage.cycle, bytes: usage.bytes, sms: usage.sms, seenUntil: now, outbox: signals.length > 0 ? batch : undefined };
  if (!(await ports.state.saveDevice(mno, iccid, reading, device?.version ?? 0))) return; // another poll took it
  device = undefined;
  if (signals.length === 0) return;
  await deliver(ports, batch);
  await ports.state.clearOutbox(mno, iccid, batch.batchId);
};

/**
 * A poll of one MNO's CMP (the pull path): the devices modified since its watermark (less an
 * overlap), each read and queued (8 at a time); the watermark moves on only when every device was
 * read, so a device that failed is read again next time from its own saved reading.
 */
export const pollMno = async (ports: PollPorts, client: CmpPull, mno: string) => {
  const nowMs = ports.nowMs();
  const now = new Date(nowMs).toISOString();
  const { since = new Date(nowMs - FIRST_LOOK_BACK_MS).toISOString(), version } = await ports.state.watermark(mno);
  const devices = await client.modifiedSince(new Date(Date.parse(since) - OVERLAP_MS).toISOString());
  const failures: { iccid: string; error: string }[] = [];
  await inBatches(devices, (iccid) => pollDevice(ports, client, mno, iccid, since, now).catch((error: Error) => void failures.push({ iccid, error: error.message })), 8);
  const advanced = failures.length === 0 && (await ports.state.advance(mno, version, now));
  return { mno, devices: devices.length, failures, advanced };
};
