import type { Commit } from '../../domain/event-store.ts';
import { decideLease, holds, REPLAY_SETTLE_MS, type Lease, type LeaseTiming } from '../../domain/lease/publishing-lease.ts';
import type { LeaseStore } from '../ports/lease-store.ts';

export interface PublisherPorts {
  lease: LeaseStore;
  /** Every commit appended since a time, oldest first (the event store's time index). */
  commitsSince(since: string): Promise<Commit[]>;
  /** Publishes commits to the bus, each event once per call; throws if any is not accepted. */
  publish(commits: readonly Commit[]): Promise<void>;
  /** Whether this region can publish now (its bus answers): one that cannot neither takes nor keeps the lease. */
  canPublish(): Promise<boolean>;
  region: string;
  nowMs(): number;
  timing: LeaseTiming;
}

export type PublisherStatus =
  | { holder: true; token: number; untilMs: number; sinceMs: number }
  | { holder: false; owner: string | undefined; untilMs: number | undefined };

export interface LeaseStep {
  status: PublisherStatus;
  /** What this step did: kept, renewed or took the lease, stood by, lost a race for it, or left it be (this region cannot publish). */
  did: 'kept' | 'renewed' | 'took' | 'standby' | 'lost-race' | 'unable';
  /** Commits published again (a takeover's replay, repeated until it has settled). */
  republished?: number | undefined;
}

/** The lease as it stands for `region` now: held under its token, or another's (until when), or no one's. */
export const statusOf = (lease: Lease | undefined, region: string, nowMs: number): PublisherStatus =>
  lease && holds(lease, region, lease.token, nowMs)
    ? { holder: true, token: lease.token, untilMs: lease.expiresAtMs, sinceMs: lease.sinceMs ?? nowMs }
    : { holder: false, owner: lease?.owner, untilMs: lease?.expiresAtMs };

/**
 * One step of keeping the publishing lease (domain/lease/publishing-lease.ts), the lease keeper's:
 * read it, decide, write it conditionally (a renewal moves only the expiry). A region whose bus does
 * not answer neither renews nor takes the lease, so that it lapses to the other rather than keep
 * publishing nowhere. A region that takes the lease
 * over publishes again every commit since the previous owner's watermark (less a margin), whichever
 * region appended it, so that nothing the lost region had not published is lost; consumers drop what
 * they had already (by event id). The replay is kept on the lease and repeated at each step until
 * REPLAY_SETTLE_MS after the takeover (what the other region's forwarders passed by meanwhile, what
 * the time index had not caught up with), so a replay cut short is finished too.
 */
export const keepPublishingLease = async (ports: PublisherPorts): Promise<LeaseStep> => {
  const now = ports.nowMs();
  const current = await ports.lease.read();
  const decision = decideLease(current, ports.region, now, ports.timing);
  if (decision.kind === 'standby') return { status: statusOf(current, ports.region, now), did: 'standby' };
  // Unable to publish, it neither takes nor renews: the lease lapses and the other region takes it (one failed check is not enough).
  if (decision.kind !== 'keep' && !(await ports.canPublish())) return { status: statusOf(current, ports.region, now), did: 'unable' };
  let did: LeaseStep['did'] = 'kept';
  if (decision.kind === 'renew') did = (await ports.lease.renew(current!, decision.next.expiresAtMs)) ? 'renewed' : 'lost-race';
  if (decision.kind === 'take') did = (await ports.lease.replace(current, decision.next)) ? 'took' : 'lost-race';
  // Read again only after a write (a step that kept the lease as it was has just read it).
  const lease = did === 'kept' ? current : await ports.lease.read();
  const status = statusOf(lease, ports.region, ports.nowMs());
  const republished = status.holder && lease?.replayFrom !== undefined ? await replay(ports, lease, lease.replayFrom) : undefined;
  return { status, did, republished };
};

const replay = async (ports: PublisherPorts, lease: Lease, from: string) => {
  const commits = await ports.commitsSince(from);
  // Published only while the lease is still this region's: a replay under a token taken over since stops.
  if (!holds(await ports.lease.read(), ports.region, lease.token, ports.nowMs())) return 0;
  await ports.publish(commits);
  if (ports.nowMs() - (lease.sinceMs ?? 0) >= REPLAY_SETTLE_MS) await ports.lease.replayed(ports.region, lease.token);
  return commits.length;
};
