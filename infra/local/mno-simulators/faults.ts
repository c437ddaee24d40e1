import * as z from 'zod';

/**
 * What can go wrong with an MNO's CMP, injected on purpose so that retries, fallbacks and drift
 * detection are exercised against something that misbehaves the way real operators do.
 */
export interface MnoFaults {
  /**
   * 0..1: share of calls answered with a transient error: 503 (legacy-ratelimited: HTTP 200
   * `RESULT ERR, CODE BUSY`, its own way); async-jobs: a job may also end FAILED with retryable: true.
   */
  errorRate?: number;
  /** The next N calls fail transiently (as errorRate does), deterministically; decremented per failed call. */
  failFirst?: number;
  /** Added to every call. */
  latencyMs?: number;
  /** Every call → 429 with Retry-After: 1. */
  throttle?: boolean;
  /** The socket is destroyed without a response (the client sees ECONNRESET / socket hang up). */
  outage?: boolean;
  /** Policy applies fail permanently, each style in its own way. */
  reject?: boolean;
  /** After an apply is stored, the stored profile silently reverts one rule, so a read-back differs. */
  drift?: boolean;
  /** Seeds the RNG behind errorRate, so tests are repeatable. */
  seed?: number;
}

/** The body `PUT /_sim/faults` accepts. */
export const MnoFaultsSchema = z.strictObject({
  errorRate: z.number().min(0).max(1).optional(),
  failFirst: z.int().min(0).optional(),
  latencyMs: z.number().min(0).max(60_000).optional(),
  throttle: z.boolean().optional(),
  outage: z.boolean().optional(),
  reject: z.boolean().optional(),
  drift: z.boolean().optional(),
  seed: z.int().optional(),
});

/** mulberry32: tiny, fast and good enough to make fault patterns repeatable from a seed. */
export const seededRandom = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** What the fault gate decided for one CMP call, before the style's own handler runs. */
export type FaultVerdict = 'outage' | 'throttle' | 'transient' | undefined;

/** The faults in force on one simulator, with the mutable parts (failFirst countdown, RNG). */
export class FaultState {
  #faults: MnoFaults = {};
  #random: () => number = Math.random;

  constructor(faults: MnoFaults = {}) {
    this.set(faults);
  }

  /** Replaces the faults; a seed restarts the RNG, so the same faults give the same pattern. */
  set(faults: MnoFaults): void {
    this.#faults = { ...faults };
    this.#random = faults.seed === undefined ? Math.random : seededRandom(faults.seed);
  }

  get current(): Readonly<MnoFaults> {
    return this.#faults;
  }

  /** True with probability errorRate; draws from the RNG only when errorRate is set. */
  unlucky(): boolean {
    const rate = this.#faults.errorRate ?? 0;
    return rate > 0 && this.#random() < rate;
  }

  /** Decides the fate of one call, in order: outage, throttle, failFirst, errorRate. */
  judge(): FaultVerdict {
    const f = this.#faults;
    if (f.outage) return 'outage';
    if (f.throttle) return 'throttle';
    if (f.failFirst && f.failFirst > 0) {
      f.failFirst -= 1;
      return 'transient';
    }
    return this.unlucky() ? 'transient' : undefined;
  }
}
