/**
 * The publishing lease (issue 13, its rules only; nothing uses it yet): one region at a time
 * publishes the event store's commits to the bus and starts workflows. The lease is an item the
 * regions write conditionally (owner, expiry, a fencing token that rises with each takeover, and the
 * published watermark the next owner resumes from). Pure: the time comes in.
 */
export interface Lease {
  owner: string;
  /** Rises with each takeover; a publisher acts only while the lease still holds its token. */
  token: number;
  expiresAtMs: number;
  /** The last commit published (the next owner resumes after it). */
  watermark?: string | undefined;
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

/** What a region does with the lease as it reads it now. */
export const decideLease = (current: Lease | undefined, region: string, nowMs: number): LeaseDecision => {
  const expiresAtMs = nowMs + LEASE_MS;
  if (!current) return { kind: 'take', next: { owner: region, token: 1, expiresAtMs } };
  const lapsed = current.expiresAtMs <= nowMs;
  if (current.owner === region && !lapsed)
    return current.expiresAtMs - nowMs > RENEW_BEFORE_MS ? { kind: 'keep', lease: current } : { kind: 'renew', next: { ...current, expiresAtMs } };
  if (!lapsed) return { kind: 'standby', owner: current.owner, untilMs: current.expiresAtMs };
  // Lapsed: whoever held it (this region too, after a pause) takes it anew, under a new token, so a
  // publisher that paused past its lease and wakes finds its token stale and stops.
  return { kind: 'take', next: { owner: region, token: current.token + 1, expiresAtMs, watermark: current.watermark } };
};

/** Whether a publisher holding `token` may still act: the lease is its, unexpired, under that token. */
export const holds = (current: Lease | undefined, region: string, token: number, nowMs: number) =>
  current !== undefined && current.owner === region && current.token === token && current.expiresAtMs > nowMs;

/** The lease after publishing up to `watermark` (only its holder moves it, and only forward). */
export const advanced = (current: Lease, watermark: string): Lease => (current.watermark !== undefined && current.watermark >= watermark ? current : { ...current, watermark });
