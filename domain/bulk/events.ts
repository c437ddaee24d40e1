import * as z from '../zod-mini.ts';
import { BulkId, BulkRequest } from './request.ts';
import { lazySchemas } from '../events.ts';

export const Counts = z.object({
  total: z.int().check(z.nonnegative()),
  succeeded: z.int().check(z.nonnegative()),
  failed: z.int().check(z.nonnegative()),
  skipped: z.int().check(z.nonnegative()),
});
export type Counts = z.infer<typeof Counts>;

/** How an operation ended; `running` until it has. */
const FINAL_STATUSES = ['succeeded', 'partial', 'failed', 'cancelled'] as const;
export const BulkStatus = z.enum(['running', ...FINAL_STATUSES]);
export type BulkStatus = z.infer<typeof BulkStatus>;

/**
 * Typed events of a bulk operation's own stream. Its items (the SIMs it selected and each one's
 * outcome) are not events here: they are rows of the bulk-items table, and what happened to each
 * SIM is in that SIM's stream (its events carry the operation's id as their correlation id).
 */
export const BulkEvents = lazySchemas({
  /** `startedBy`: who asked (a user's subject, or `switchboard:fallback`); `notBefore`: it waits until then (a fallback's return after its hold-down). */
  BulkOperationStarted: () => z.object({
    bulkId: BulkId,
    request: BulkRequest,
    startedBy: z.string().check(z.minLength(1), z.maxLength(200)),
    notBefore: z.optional(z.iso.datetime()),
  }),
  /** The selector resolved: how many SIMs, in how many chunks of the manifest. */
  BulkManifestResolved: () => z.object({ total: z.int().check(z.nonnegative()), chunks: z.int().check(z.nonnegative()) }),
  BulkOperationCancelled: () => z.object({ by: z.string().check(z.minLength(1), z.maxLength(200)), reason: z.optional(z.string().check(z.maxLength(500))) }),
  /** Its execution was lost (failed, timed out, aborted, never started, gone with its process): it runs again under this attempt (every step is idempotent). */
  BulkOperationResumed: () => z.object({ attempt: z.int().check(z.positive()), was: z.string().check(z.maxLength(100)) }),
  /** Every item has its outcome (or, with `error`, the SIMs could not be selected). */
  BulkOperationCompleted: () => z.object({ status: z.enum(FINAL_STATUSES), counts: Counts, error: z.optional(z.string().check(z.maxLength(1000))) }),
  /**
   * An alert: a fallback left SIMs on an MNO in outage, for want of a profile on one that can take
   * work. Names them (the first hundred; `count` says how many: the operation's items with the code
   * `no-fallback` list them all).
   */
  SimsLeftWithoutFallback: () => z.object({ mno: z.string(), count: z.int().check(z.positive()), eids: z.array(z.string()).check(z.maxLength(100)) }),
});

type Defs = typeof BulkEvents;
export type BulkEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
