import { describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../application/ports/lease-store.ts';
import type { Lease } from '../../domain/lease/publishing-lease.ts';

/** What every store of the publishing lease must do (DynamoDB Local and in memory): conditional writes only, the fence on its token. */
export const leaseStoreContract = (name: string, make: () => Promise<LeaseStore>) =>
  describe(`${name} lease store (the port's contract)`, () => {
    const lease = (owner: string, token: number, expiresAtMs: number, more: Partial<Lease> = {}): Lease => ({ owner, token, expiresAtMs, ...more });

    it('takes a free lease once: of two takers from nothing, one wins', async () => {
      const store = await make();
      expect(await store.read()).toBeUndefined();
      const results = await Promise.all([store.replace(undefined, lease('a', 1, 1_000, { sinceMs: 5 })), store.replace(undefined, lease('b', 1, 1_000))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.read())?.token).toBe(1);
    });

    it('replaces only the lease it read (owner, token and expiry unchanged)', async () => {
      const store = await make();
      const first = lease('a', 1, 1_000);
      await store.replace(undefined, first);
      const renewed = lease('a', 1, 2_000, { sinceMs: 7 });
      expect(await store.replace(first, renewed)).toBe(true);
      expect(await store.replace(first, lease('b', 2, 3_000))).toBe(false);
      expect(await store.read()).toEqual(renewed);
    });

    it('moves the watermark only forward and only under the holder’s token; a takeover’s replay is cleared by its holder alone', async () => {
      const store = await make();
      await store.replace(undefined, lease('a', 1, 1_000));
      expect(await store.advance('a', 1, '2026-12-05T10:00:02.000Z')).toBe(true);
      expect(await store.advance('a', 1, '2026-12-05T10:00:01.000Z')).toBe(true); // still the holder; nothing moved
      expect((await store.read())?.watermark).toBe('2026-12-05T10:00:02.000Z');
      const taken = lease('b', 2, 5_000, { watermark: '2026-12-05T10:00:02.000Z', replayFrom: '2026-12-05T09:59:02.000Z' });
      expect(await store.replace((await store.read())!, taken)).toBe(true);
      expect(await store.advance('a', 1, '2026-12-05T10:00:09.000Z')).toBe(false);
      expect(await store.replayed('a', 1)).toBe(false);
      expect((await store.read())?.replayFrom).toBe('2026-12-05T09:59:02.000Z');
      expect(await store.replayed('b', 2)).toBe(true);
      expect(await store.read()).toEqual({ owner: 'b', token: 2, expiresAtMs: 5_000, watermark: '2026-12-05T10:00:02.000Z' });
    });
  
    it('a renewal moves only the expiry, and only of the lease it read', async () => {
      const store = await make();
      const first = lease('a', 1, 1_000, { sinceMs: 3 });
      await store.replace(undefined, first);
      await store.advance('a', 1, '2026-12-05T10:00:05.000Z');
      expect(await store.renew(first, 2_000)).toBe(true);
      expect(await store.renew(first, 3_000)).toBe(false); // it moved since it was read
      expect(await store.read()).toEqual({ owner: 'a', token: 1, expiresAtMs: 2_000, sinceMs: 3, watermark: '2026-12-05T10:00:05.000Z' });
    });
  });
