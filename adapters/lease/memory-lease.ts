import type { LeaseStore } from '../../application/ports/lease-store.ts';
import type { Lease } from '../../domain/lease/publishing-lease.ts';

/** The lease in memory, with the DynamoDB one's conditions: for the unit tier. */
export class MemoryLeaseStore implements LeaseStore {
  private lease: Lease | undefined;

  async read() {
    return this.lease && { ...this.lease };
  }

  async replace(expected: Lease | undefined, next: Lease) {
    const same = expected === undefined ? this.lease === undefined : this.lease?.owner === expected.owner && this.lease.token === expected.token && this.lease.expiresAtMs === expected.expiresAtMs;
    if (!same) return false;
    this.lease = { ...next };
    return true;
  }

  async renew(current: Lease, expiresAtMs: number) {
    if (this.lease?.owner !== current.owner || this.lease.token !== current.token || this.lease.expiresAtMs !== current.expiresAtMs) return false;
    this.lease = { ...this.lease, expiresAtMs };
    return true;
  }

  async advance(owner: string, token: number, watermark: string) {
    if (this.lease?.owner !== owner || this.lease.token !== token) return false;
    if (this.lease.watermark === undefined || this.lease.watermark < watermark) this.lease = { ...this.lease, watermark };
    return true;
  }

  async replayed(owner: string, token: number) {
    if (this.lease?.owner !== owner || this.lease.token !== token) return false;
    const { replayFrom: _, ...rest } = this.lease;
    this.lease = rest;
    return true;
  }
}
