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
  /** ICCIDs whose usage this batch has counted already (a batch queued again with what failed). */
  counted?: string[] | undefined;
  /** How often its SIMs were handed back (application/signals/process.ts MAX_REQUEUES). */
  requeues?: number | undefined;
}

export interface SignalQueue {
  send(batch: SignalBatch): Promise<void>;
}

/**
 * Batch ids, each queued once: `take` before sending (false: taken already, and sent or being sent),
 * `confirm` once sent, `release` when it could not be. A take whose sender stopped before confirming
 * (a process killed mid-send) may be taken again once BATCH_SEND_MS have passed: the batch is sent
 * rather than lost (at worst twice, if that sender had sent it).
 */
export interface BatchIds {
  take(mno: string, batchId: string): Promise<boolean>;
  confirm(mno: string, batchId: string): Promise<void>;
  release(mno: string, batchId: string): Promise<void>;
}
/** Longer than any sender may take between taking a batch id and sending it (a function's timeout). */
export const BATCH_SEND_MS = 5 * 60_000;

/** Queues a batch once: its id taken, the batch sent, the id confirmed (or given back when the batch could not be sent). */
export const sendOnce = async (ids: BatchIds, queue: SignalQueue, batch: SignalBatch) => {
  if (!(await ids.take(batch.mno, batch.batchId))) return false;
  try {
    await queue.send(batch);
  } catch (error) {
    await ids.release(batch.mno, batch.batchId);
    throw error;
  }
  await ids.confirm(batch.mno, batch.batchId);
  return true;
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
