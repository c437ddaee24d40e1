import type { Commit } from '../../domain/event-store.ts';
import { decideLease, holds, type Lease, type LeaseTiming } from '../../domain/lease/publishing-lease.ts';
import type { LeaseStore } from '../ports/lease-store.ts';

export interface PublisherPorts {
  lease: LeaseStore;
  /** Every commit appended since a time, oldest first (the event store's time index). */
  commitsSince(since: string): Promise<Commit[]>;
  /** Publishes commits to the bus, each event once per call; throws if any is not accepted. */
  publish(commits: readonly Commit[]): Promise<void>;
  region: string;
  nowMs(): number;
  timing: LeaseTiming;
}

export type PublisherStatus =
  | { holder: true; token: number; untilMs: number; sinceMs: number }
  | { holder: false; owner: string | undefined; untilMs: number | undefined };

export interface LeaseStep {
  status: PublisherStatus;
  /** What this step did: kept, renewed or took the lease, stood by, or lost a race for it. */
  did: 'kept' | 'renewed' | 'took' | 'standby' | 'lost-race';
  /** Commits published again (a takeover's replay, or the rest of one a step before did not finish). */
  republished?: number | undefined;
}

const standby = (lease: Lease | undefined): PublisherStatus => ({ holder: false, owner: lease?.owner, untilMs: lease?.expiresAtMs });
const holder = (lease: Lease, nowMs: number): PublisherStatus => ({ holder: true, token: lease.token, untilMs: lease.expiresAtMs, sinceMs: lease.sinceMs ?? nowMs });

/**
 * One step of keeping the publishing lease (domain/lease/publishing-lease.ts): read it, decide, write
 * it conditionally. A region that takes it over first publishes again every commit since the
 * previous owner's watermark (less a margin), whichever region appended it, so that nothing the lost
 * region had not published is lost; consumers drop what they had already (by event id). The replay
 * is recorded on the lease until it is done, so a replay cut short is finished by the next step.
 */
export const keepPublishingLease = async (ports: PublisherPorts): Promise<LeaseStep> => {
  const now = ports.nowMs();
  const current = await ports.lease.read();
  const decision = decideLease(current, ports.region, now, ports.timing);
  if (decision.kind === 'standby') return { status: standby(current), did: 'standby' };
  let lease: Lease;
  let did: LeaseStep['did'];
  if (decision.kind === 'keep') [lease, did] = [decision.lease, 'kept'];
  else {
    if (!(await ports.lease.replace(current, decision.next))) return { status: standby(await ports.lease.read()), did: 'lost-race' };
    [lease, did] = [decision.next, decision.kind === 'take' ? 'took' : 'renewed'];
  }
  const republished = lease.replayFrom !== undefined ? await replay(ports, lease, lease.replayFrom) : undefined;
  return { status: holder(lease, now), did, republished };
};

const replay = async (ports: PublisherPorts, lease: Lease, from: string) => {
  const commits = await ports.commitsSince(from);
  // Published only while the lease is still this region's: a replay under a token taken over since stops.
  if (!holds(await ports.lease.read(), ports.region, lease.token, ports.nowMs())) return 0;
  await ports.publish(commits);
  await ports.lease.replayed(ports.region, lease.token);
  return commits.length;
};
