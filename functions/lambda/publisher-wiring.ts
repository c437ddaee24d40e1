import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { publishCommits } from '../../adapters/event-bus/commit-entries.ts';
import { traced } from '../../adapters/observability/tracer.ts';
import { keepPublishingLease, type LeaseStep, type PublisherPorts, type PublisherStatus } from '../../application/lease/publisher.ts';
import { leaseTiming } from './lease-wiring.ts';
import { adapters, config, env } from './wiring.ts';

export const eventBridge = traced(new EventBridgeClient({}));

const ports = (): PublisherPorts => ({
  lease: adapters.leaseStore,
  commitsSince: (since) => adapters.eventStore.commitsSince(since),
  publish: (commits) => publishCommits(eventBridge, env.EVENT_BUS_NAME, commits),
  region: config.region,
  nowMs: Date.now,
  timing: leaseTiming(),
});

/** One step of the lease (application/lease/publisher.ts): the keeper's, and the forwarder's when its view is stale. */
export const stepLease = (): Promise<LeaseStep> => keepPublishingLease(ports());

/** How long the forwarder trusts what it last learnt of the lease before reading it again. */
const TRUST_MS = 2_000;
let known: { status: PublisherStatus; untilMs: number } | undefined;

/**
 * The forwarder's view of the lease: stepped again (read, renewed or taken when free) at most every
 * two seconds and never past the lease's expiry, so a publisher that paused past its lease reads it
 * again before publishing anything more.
 */
export const publisherStatus = async (): Promise<PublisherStatus> => {
  const now = Date.now();
  if (known && now < known.untilMs) return known.status;
  const { status } = await stepLease();
  const expiry = status.holder ? status.untilMs - 1_000 : now + TRUST_MS;
  known = { status, untilMs: Math.min(now + TRUST_MS, expiry) };
  return status;
};

/** The watermark this container last published up to, and whether (and when) it was written to the lease. */
let mark: { token: number; value: string; written: boolean; atMs: number } | undefined;

/** After publishing up to `time` under `token`: the watermark moved forward (written at most once a second); a fenced publisher forgets its view. */
export const published = async (token: number, time: string) => {
  const now = Date.now();
  if (mark?.token !== token) mark = { token, value: time, written: false, atMs: 0 };
  else if (time > mark.value) mark = { ...mark, value: time, written: false };
  if (mark.written || now - mark.atMs < 1_000) return;
  if (await adapters.leaseStore.advance(config.region, token, mark.value)) mark = { ...mark, written: true, atMs: now };
  else known = undefined;
};
