import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { publishCommits } from '../../adapters/event-bus/commit-entries.ts';
import { keepPublishingLease, statusOf, type LeaseStep, type PublisherPorts, type PublisherStatus } from '../../application/lease/publisher.ts';
import { leaseStore, leaseTiming } from './lease-wiring.ts';
import { adapters, config, env } from './wiring.ts';

export const eventBridge = new EventBridgeClient({});

const ports = (): PublisherPorts => ({
  lease: leaseStore(),
  commitsSince: (since) => adapters.eventStore.commitsSince(since),
  publish: (commits) => publishCommits(eventBridge, env.EVENT_BUS_NAME, commits),
  // The bus answers within 2 s: this region can publish.
  canPublish: () =>
    eventBridge.send(new DescribeEventBusCommand({ Name: env.EVENT_BUS_NAME }), { abortSignal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    ),
  region: config.region,
  nowMs: Date.now,
  timing: leaseTiming(),
});

/** One step of the lease (application/lease/publisher.ts): the keeper's. */
export const stepLease = (): Promise<LeaseStep> => keepPublishingLease(ports());

/** How long the forwarder trusts what it last read of the lease before reading it again. */
const TRUST_MS = 2_000;
let known: { status: PublisherStatus; untilMs: number } | undefined;

/**
 * The forwarder's view of the lease: read (never written: the keeper renews and takes it, but for
 * the very first lease, which the first forwarder to see a commit takes), trusted for two seconds and
 * never past the expiry it read (a holder's less a second), so that a publisher that paused past its
 * lease reads it again before publishing anything more, and a standby does not pass records by once
 * the other's lease has lapsed.
 */
export const publisherStatus = async (): Promise<PublisherStatus> => {
  const now = Date.now();
  if (known && now < known.untilMs) return known.status;
  const lease = await leaseStore().read();
  const status = lease === undefined ? (await stepLease()).status : statusOf(lease, config.region, now);
  const until = status.untilMs === undefined ? now : status.holder ? status.untilMs - 1_000 : status.untilMs;
  known = { status, untilMs: Math.min(now + TRUST_MS, until) };
  return status;
};

/** Whether a status says another region holds the lease now (its records are passed by here). */
export const heldElsewhere = (status: PublisherStatus, nowMs: number) => !status.holder && status.owner !== undefined && status.owner !== config.region && status.untilMs! > nowMs;

/**
 * The forwarder's view once some region holds the lease: while none does (a lease lapsing, a
 * takeover under way: up to the lease's length and a keeper's step), the batch waits here, reading
 * again each second, until `deadlineMs`, rather than fail at once (the event source mapping's retries
 * come without a pause, and end in its dead-letter queue).
 */
export const publisherStatusOnceHeld = async (deadlineMs: number): Promise<PublisherStatus> => {
  for (;;) {
    const status = await publisherStatus();
    if (status.holder || heldElsewhere(status, Date.now()) || Date.now() + 1_000 > deadlineMs) return status;
    await new Promise((ok) => setTimeout(ok, 1_000));
  }
};

/** The watermark this container last published up to, and whether (and when) it was written to the lease. */
let mark: { token: number; value: string; written: boolean; atMs: number } | undefined;

/** After publishing up to `time` under `token`: the watermark moved forward (written at most once a second); a fenced publisher forgets its view. */
export const published = async (token: number, time: string) => {
  const now = Date.now();
  if (mark?.token !== token) mark = { token, value: time, written: false, atMs: 0 };
  else if (time > mark.value) mark = { ...mark, value: time, written: false };
  if (mark.written || now - mark.atMs < 1_000) return;
  if (await leaseStore().advance(config.region, token, mark.value)) mark = { ...mark, written: true, atMs: now };
  else known = undefined;
};
