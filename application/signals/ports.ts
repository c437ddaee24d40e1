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
}

export interface SignalQueue {
  send(batch: SignalBatch): Promise<void>;
}

/** Takes a batch id once within the replay window: false when it was taken before. */
export type BatchIds = (mno: string, batchId: string) => Promise<boolean>;

export interface SignalPorts {
  store: EventStore;
  counters: UsageCounters;
  region: string;
  /** Now, in ms (the facts cache's clock). */
  nowMs(): number;
  /** Records the consumer passed over, and why (`unknown-sim`, `foreign-profile`), and detections made. */
  count(metric: 'signals' | 'unknown-sim' | 'foreign-profile' | 'detections' | 'contained', n: number): void;
}
