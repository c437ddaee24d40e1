/**
 * The publishing lease: one region at a time publishes the event store's commits to the bus (and
 * so starts the workflows, which the bus's rules start) and runs the platform's schedules. The
 * lease is an item the regions write conditionally (owner, expiry, a fencing token that rises with
 * each takeover, and the published watermark the next owner resumes from). Pure: the time comes in.
 */
export interface Lease {
  owner: string;
  /** Rises with each takeover; a publisher acts only while the lease still holds its token. */
  token: number;
  expiresAtMs: number;
  /** The last commit published (the next owner resumes after it). */
  watermark?: string | undefined;
  /** When this owner took it (under this token): how long the previous owner has been fenced. */
  sinceMs?: number | undefined;
  /**
   * Set by a takeover: the time from which the new owner publishes again what the previous one may
   * not have (its watermark less a margin for commits that reached it out of order); cleared once done.
   */
  replayFrom?: string | undefined;
}

/** How long a lease holds without renewal: a lost owner's publications stop for at most this long. */
export const LEASE_MS = 30_000;
/** The owner renews once this little is left, so a slow renewal does not let it lapse. */
export const RENEW_BEFORE_MS = 10_000;

export type LeaseDecision =
  /** Held, and not due for renewal: publish under `lease`. */
  | { kind: 'keep'; lease: Lease }
  /** Held and due, or lapsed and ours again: write `next` (conditioned on `current` unchanged). */
  | { kind: 'renew'; next: Lease }
  /** Free or lapsed: write `next` (a new token), conditioned on `current` unchanged; publish from its watermark. */
  | { kind: 'take'; next: Lease }
  /** Another region holds it: stand by until it lapses. */
  | { kind: 'standby'; owner: string; untilMs: number };

/** How long a lease lasts and when its owner renews it (tests and the local runtime shorten them). */
export interface LeaseTiming {
  leaseMs: number;
  renewBeforeMs: number;
  /** How far before the watermark a takeover publishes again (commits replicated or streamed late). */
  replayMarginMs: number;
}

/** Commits a publisher may see out of time order by up to this much (replication lag, shards, clocks). */
export const REPLAY_MARGIN_MS = 60_000;

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseMs: LEASE_MS, renewBeforeMs: RENEW_BEFORE_MS, replayMarginMs: REPLAY_MARGIN_MS };

/**
 * From when a region taking the lease over from `previous` publishes again: the watermark less the
 * margin, or (nothing published under it) from when the previous owner took it, less the margin.
 */
const replayFromAfter = (previous: Lease, timing: LeaseTiming): string => {
  // Nothing published under it: from when it was taken (everything since may be unpublished).
  const fromMs = (previous.watermark !== undefined ? Date.parse(previous.watermark) : (previous.sinceMs ?? previous.expiresAtMs - timing.leaseMs)) - timing.replayMarginMs;
  // An unfinished replay of the previous owner's is taken over as it stands, if it reaches further back.
  const from = new Date(fromMs).toISOString();
  return previous.replayFrom !== undefined && previous.replayFrom < from ? previous.replayFrom : from;
};

/** What a region does with the lease as it reads it now. */
export const decideLease = (current: Lease | undefined, region: string, nowMs: number, timing: LeaseTiming = DEFAULT_LEASE_TIMING): LeaseDecision => {
  const expiresAtMs = nowMs + timing.leaseMs;
  if (!current) return { kind: 'take', next: { owner: region, token: 1, expiresAtMs, sinceMs: nowMs } };
  const lapsed = current.expiresAtMs <= nowMs;
  if (current.owner === region && !lapsed)
    return current.expiresAtMs - nowMs > timing.renewBeforeMs ? { kind: 'keep', lease: current } : { kind: 'renew', next: { ...current, expiresAtMs } };
  if (!lapsed) return { kind: 'standby', owner: current.owner, untilMs: current.expiresAtMs };
  // Lapsed: whoever held it (this region too, after a pause) takes it anew, under a new token, so a
  // publisher that paused past its lease and wakes finds its token stale and stops.
  return { kind: 'take', next: { owner: region, token: current.token + 1, expiresAtMs, watermark: current.watermark, sinceMs: nowMs, replayFrom: replayFromAfter(current, timing) } };
};

/**
 * How long after a takeover its replay is repeated (each step) before it is done: the other
 * region's forwarders may still have passed records by for a moment, and the time index may lag
 * the table by a moment; a replay read again after this covers both. Consumers drop the repeats.
 */
export const REPLAY_SETTLE_MS = 10_000;

/** Whether a publisher holding `token` may still act: the lease is its, unexpired, under that token. */
export const holds = (current: Lease | undefined, region: string, token: number, nowMs: number) =>
  current !== undefined && current.owner === region && current.token === token && current.expiresAtMs > nowMs;

/** The lease after publishing up to `watermark` (only its holder moves it, and only forward). */
export const advanced = (current: Lease, watermark: string): Lease => (current.watermark !== undefined && current.watermark >= watermark ? current : { ...current, watermark });
