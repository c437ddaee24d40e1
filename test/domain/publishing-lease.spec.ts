import { describe, expect, it } from 'vitest';
import { advanced, decideLease, DEFAULT_LEASE_TIMING, holds, LEASE_MS, RENEW_BEFORE_MS, REPLAY_MARGIN_MS, type Lease } from '../../domain/lease/publishing-lease.ts';

/** The publishing lease's rules (domain/lease/publishing-lease.ts): one region publishes at a time; a takeover fences the one before. */
const now = 1_800_000_000_000;
const held = (owner: string, token: number, leftMs: number, watermark?: string): Lease => ({ owner, token, expiresAtMs: now + leftMs, ...(watermark && { watermark }) });

describe('the publishing lease', () => {
  it('given none, when a region reads it, then it takes it under token 1', () => {
    expect(decideLease(undefined, 'eu-central-1', now)).toEqual({ kind: 'take', next: { owner: 'eu-central-1', token: 1, expiresAtMs: now + LEASE_MS, sinceMs: now } });
  });

  it('given its own lease with time left, it keeps it; close to lapsing, it renews it under the same token', () => {
    expect(decideLease(held('eu-central-1', 3, RENEW_BEFORE_MS + 1), 'eu-central-1', now)).toEqual({ kind: 'keep', lease: held('eu-central-1', 3, RENEW_BEFORE_MS + 1) });
    expect(decideLease(held('eu-central-1', 3, RENEW_BEFORE_MS, 'w9'), 'eu-central-1', now)).toEqual({ kind: 'renew', next: { owner: 'eu-central-1', token: 3, expiresAtMs: now + LEASE_MS, watermark: 'w9' } });
  });

  it('given another region’s lease with time left, it stands by until it lapses; lapsed, it takes it under the next token, from its watermark', () => {
    expect(decideLease(held('eu-central-1', 3, 5_000), 'eu-west-1', now)).toEqual({ kind: 'standby', owner: 'eu-central-1', untilMs: now + 5_000 });
    const w42 = new Date(now - 5_000).toISOString();
    expect(decideLease(held('eu-central-1', 3, 0, w42), 'eu-west-1', now)).toEqual({
      kind: 'take',
      next: { owner: 'eu-west-1', token: 4, expiresAtMs: now + LEASE_MS, watermark: w42, sinceMs: now, replayFrom: new Date(now - 5_000 - REPLAY_MARGIN_MS).toISOString() },
    });
  });

  it('a publisher that paused past its lease is fenced: its token is stale once anyone (itself included) has taken it again', () => {
    const lapsed = held('eu-central-1', 3, -1);
    const taken = decideLease(lapsed, 'eu-central-1', now);
    expect(taken).toMatchObject({ kind: 'take', next: { token: 4 } });
    const lease = (taken as { next: Lease }).next;
    expect(holds(lease, 'eu-central-1', 3, now)).toBe(false);
    expect(holds(lease, 'eu-central-1', 4, now)).toBe(true);
    expect(holds(lease, 'eu-west-1', 4, now)).toBe(false);
    expect(holds(lease, 'eu-central-1', 4, now + LEASE_MS)).toBe(false);
  });

  it('a takeover publishes again from the watermark less the margin; with no watermark, from the last renewal less the margin; an unfinished replay is carried on', () => {
    const next = (current: Lease) => (decideLease(current, 'eu-west-1', now) as { next: Lease }).next;
    const renewedAt = now - 1_000 - LEASE_MS;
    expect(next(held('eu-central-1', 3, -1_000)).replayFrom).toBe(new Date(renewedAt - REPLAY_MARGIN_MS).toISOString());
    const older = new Date(now - 3_600_000).toISOString();
    expect(next({ ...held('eu-central-1', 3, -1_000, new Date(now - 2_000).toISOString()), replayFrom: older }).replayFrom).toBe(older);
    const timing = { ...DEFAULT_LEASE_TIMING, leaseMs: 6_000, renewBeforeMs: 2_000, replayMarginMs: 3_000 };
    expect(decideLease(held('eu-central-1', 3, 2_001), 'eu-central-1', now, timing)).toMatchObject({ kind: 'keep' });
    expect(decideLease(held('eu-central-1', 3, 2_000), 'eu-central-1', now, timing)).toMatchObject({ kind: 'renew', next: { expiresAtMs: now + 6_000 } });
  });

  it('the watermark moves only forward', () => {
    expect(advanced(held('a', 1, 1, 'w5'), 'w7').watermark).toBe('w7');
    expect(advanced(held('a', 1, 1, 'w7'), 'w5').watermark).toBe('w7');
    expect(advanced(held('a', 1, 1), 'w1').watermark).toBe('w1');
  });
});
