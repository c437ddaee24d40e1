import type { EventStore } from '../../domain/event-store.ts';
import type { Signal } from '../../domain/signals/signals.ts';

/** A month's usage of one SIM, after a count: in all, per MNO, and bytes per day of the month (`'05'`). */
export interface UsageTotals {
  bytes: number;
  sms: number;
  byMno: Readonly<Record<string, { bytes: number; sms: number }>>;
  days: Readonly<Record<string, number>>;
}

/** What one SIM used in one day, as one batch of signals says. */
export interface UsageCount {
  tenant: string;
  eid: string;
  mno: string;
  /** `2026-12`, `05`: the period the records fall in (the network's time, UTC). */
  month: string;
  day: string;
  bytes: number;
  sms: number;
}

/** Usage counters per SIM and month (atomic adds; no raw record kept). */
export interface UsageCounters {
  /** Adds, and answers the month's totals after it. */
  add(count: UsageCount): Promise<UsageTotals>;
  read(tenant: string, eid: string, month: string): Promise<UsageTotals | undefined>;
}

/** A pushed batch as it waits in the queue: checked at the edge (the MNO's signature, each record's shape). */
export interface SignalBatch {
  mno: string;
  batchId: string;
  receivedAt: string;
  signals: Signal[];
  /** The days of usage this batch has counted already, `<iccid>|<yyyy-mm-dd>` (a batch queued again with what failed). */
  counted?: string[] | undefined;
  /** How often its SIMs were handed back (each time later: application/signals/process.ts). */
  requeues?: number | undefined;
}

export interface SignalQueue {
  /** `delaySeconds`: delivered no sooner (at most 900). */
  send(batch: SignalBatch, delaySeconds?: number): Promise<void>;
}

/**
 * Batch ids, each queued once. `take` before sending answers `taken` (with a token: send, then
 * `confirm`; or `release` when it could not be sent), `sent` (queued before), or `in-flight` (another
 * sender took it less than BATCH_SEND_MS ago and has not confirmed: ask again later). A sender that
 * stopped between taking and confirming is taken over after BATCH_SEND_MS, so the batch is sent
 * rather than lost (at worst twice, if that sender had sent it). Confirm and release act only for
 * their own take (its token).
 */
export type Take = { state: 'taken'; token: string } | { state: 'sent' } | { state: 'in-flight' };
export interface BatchIds {
  take(mno: string, batchId: string): Promise<Take>;
  confirm(mno: string, batchId: string, token: string): Promise<void>;
  release(mno: string, batchId: string, token: string): Promise<void>;
}
/** Longer than a sender takes between taking a batch id and confirming it (one SQS send), unless it stopped. */
export const BATCH_SEND_MS = 60_000;

/** A batch another sender is sending now: ask again in a minute (it is not lost: it is taken over then if that sender stopped). */
export class BatchInFlight extends Error {
  override readonly name = 'BatchInFlight';
}

/** SQS takes messages of up to 256 KiB: a batch that would be larger is split in parts, each its own batch id (`<id>#<n>`). */
export const MAX_MESSAGE_BYTES = 250_000;
export const partsOf = (batch: SignalBatch): SignalBatch[] => {
  const bytes = Buffer.byteLength(JSON.stringify(batch));
  if (bytes <= MAX_MESSAGE_BYTES || batch.signals.length <= 1) return [batch];
  const parts = Math.ceil(bytes / MAX_MESSAGE_BYTES) + 1;
  const size = Math.ceil(batch.signals.length / parts);
  return Array.from({ length: Math.ceil(batch.signals.length / size) }, (_, n) => ({ ...batch, batchId: `${batch.batchId}#${n + 1}`, signals: batch.signals.slice(n * size, (n + 1) * size) }));
};

/**
 * Queues a batch once (each of its parts once): taken, sent, confirmed; given back when it could not
 * be sent. `sent` when something was queued now, `already` when all of it was before; a part another
 * sender is sending throws BatchInFlight (the caller asks again later).
 */
export const sendOnce = async (ids: BatchIds, queue: SignalQueue, batch: SignalBatch): Promise<'sent' | 'already'> => {
  let sent = false;
  let inFlight = false;
  for (const part of partsOf(batch)) {
    const take = await ids.take(part.mno, part.batchId);
    if (take.state === 'in-flight') inFlight = true;
    if (take.state !== 'taken') continue;
    try {
      await queue.send(part);
    } catch (error) {
      await ids.release(part.mno, part.batchId, take.token);
      throw error;
    }
    await ids.confirm(part.mno, part.batchId, take.token);
    sent = true;
  }
  if (inFlight) throw new BatchInFlight(`batch ${batch.batchId} is being sent by another sender: ask again in a minute`);
  return sent ? 'sent' : 'already';
};

export interface SignalPorts {
  store: EventStore;
  counters: UsageCounters;
  region: string;
  /** Now, in ms (the facts cache's clock). */
  nowMs(): number;
  /** Records the consumer passed over, and why (`unknown-sim`, `foreign-profile`), and detections made. */
  count(metric: 'signals' | 'unknown-sim' | 'foreign-profile' | 'detections' | 'contained', n: number): void;
}

/**
 * A CMP's records as Switchboard polls them (the pull path; adapters/signals/control-center-pull.ts):
 * which devices changed, their cycle-to-date usage, their sessions and SMS since a time.
 */
export interface CmpPull {
  /** ICCIDs of devices whose usage, sessions or SMS changed since `since` (ISO time), all pages read. */
  modifiedSince(since: string): Promise<string[]>;
  /** Cycle-to-date usage: the cycle (calendar month UTC, 'YYYY-MM'; or the one asked for, a past one's final figures), data bytes and SMS so far. */
  usage(iccid: string, cycle?: string): Promise<{ cycle: string; bytes: number; sms: number }>;
  /** Sessions started after `after` (ISO), oldest first. */
  sessions(iccid: string, after: string): Promise<Array<{ started: string; plmn: string; country: string; imei?: string | undefined; rat?: string | undefined }>>;
  /** SMS sent or received in (from, to], oldest first; never the text. */
  sms(iccid: string, from: string, to: string): Promise<Array<{ id: string; direction: 'mo' | 'mt'; party: string; at: string }>>;
}

/** What a poll has taken of one device: its cycle-to-date usage, how far its sessions and SMS were read, and the batch made of them until it is queued. */
export interface DevicePull {
  cycle: string;
  bytes: number;
  sms: number;
  seenUntil: string;
  /** The records read in the late window before `seenUntil` (SMS ids, session starts): read again, they are not taken twice. */
  recent?: string[] | undefined;
  outbox?: SignalBatch | undefined;
}

/** Where the pull path keeps its place: a watermark per MNO, and each device's last reading (compare-and-set by version). */
export interface PullState {
  watermark(mno: string): Promise<{ since?: string | undefined; version: number; retry?: string[] | undefined }>;
  /** Moves the watermark on, with the devices that failed (read again next time), unless another poll moved it since `version` (false then). */
  advance(mno: string, version: number, since: string, retry?: readonly string[]): Promise<boolean>;
  device(mno: string, iccid: string): Promise<(DevicePull & { version: number }) | undefined>;
  /** Saves a device's reading with its batch in the outbox, unless another poll saved one since `version` (false then). */
  saveDevice(mno: string, iccid: string, reading: DevicePull, version: number): Promise<boolean>;
  /** The batch is queued: out of the outbox. */
  clearOutbox(mno: string, iccid: string, batchId: string): Promise<void>;
}
