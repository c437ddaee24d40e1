import type { ItemOutcome } from '../../domain/bulk/item.ts';
import type { Selector } from '../../domain/bulk/request.ts';
import type { EventStore } from '../../domain/event-store.ts';

/** One operation's items: the stream it belongs to (`T#<tenant>#BULK#<id>`). */
export type BulkKey = string;

export type OutcomeName = ItemOutcome['outcome'];

/** An item as the bulk-items table keeps it: its SIM, and its outcome once its chunk has run. */
export interface BulkItem {
  eid: string;
  chunk: number;
  outcome?: ItemOutcome | undefined;
}

/**
 * The manifest and the items' outcomes (adapters/bulk-items): not events, but rows, so a million
 * SIMs do not make a million-event stream; a chunk's outcomes and counts are recorded together,
 * once, however many times the chunk runs.
 */
export interface BulkItems {
  /** The chunk's SIMs, pending; writing them again changes nothing that was recorded. */
  addChunk(bulk: BulkKey, chunk: number, eids: readonly string[]): Promise<void>;
  /** The chunk's SIMs, and whether its outcomes were recorded. */
  chunk(bulk: BulkKey, chunk: number): Promise<{ items: BulkItem[]; recorded: boolean }>;
  /** Records the chunk's outcomes and adds them to the counts, unless the chunk was recorded already (then false, and nothing changes). */
  recordChunk(bulk: BulkKey, chunk: number, outcomes: readonly { eid: string; outcome: ItemOutcome }[]): Promise<boolean>;
  /** The chunks recorded so far (their numbers). */
  recordedChunks(bulk: BulkKey): Promise<Set<number>>;
  /** The outcomes so far, and the skips by their code. */
  counts(bulk: BulkKey): Promise<{ succeeded: number; failed: number; skipped: number; skippedBy: Record<string, number> }>;
  /** A page of items in manifest order, optionally those with one outcome (`pending`: not yet run), and one code. */
  page(bulk: BulkKey, q: { outcome?: OutcomeName | 'pending' | undefined; code?: string | undefined; limit: number; after?: string | undefined }): Promise<{ items: BulkItem[]; next?: string | undefined }>;
}

/** A page of the tenant's SIMs that match a filter selector (the read models), in EID order. */
export type SimFilter = Exclude<Selector, { eids: unknown } | { operation: unknown }>;
export type SimPages = (tenant: string, filter: SimFilter, q: { limit: number; after?: string | undefined }) => Promise<{ eids: string[]; next?: string | undefined }>;

export interface BulkPorts {
  store: EventStore;
  items: BulkItems;
  sims: SimPages;
  region: string;
  /** Fresh hex for eIM packages the items queue. */
  transactionId(): string;
  /** A fresh profile order id (application/sims/order-profile.ts). */
  orderId(): string;
  /** Now, in milliseconds (the selector's time budget per invocation). */
  nowMs(): number;
}
