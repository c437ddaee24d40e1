import type { Lease } from '../../domain/lease/publishing-lease.ts';

/** Where the publishing lease is kept (one item of the event store's table: global, conditionally written). */
export interface LeaseStore {
  read(): Promise<Lease | undefined>;
  /** Writes `next` if the lease is still `expected` (none, or the same owner, token and expiry); false when another wrote first. */
  replace(expected: Lease | undefined, next: Lease): Promise<boolean>;
  /** Moves the expiry of the lease `current` to `expiresAtMs` (nothing else: the watermark and a replay under way stay as they are), if it is still `current`. */
  renew(current: Lease, expiresAtMs: number): Promise<boolean>;
  /** Moves the watermark forward, only while `owner` holds the lease under `token` (the fence); false once it does not. */
  advance(owner: string, token: number, watermark: string): Promise<boolean>;
  /** A takeover's replay is done: `replayFrom` removed, only while `owner` holds `token`. */
  replayed(owner: string, token: number): Promise<boolean>;
}
