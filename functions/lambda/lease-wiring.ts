import { holds, type LeaseTiming } from '../../domain/lease/publishing-lease.ts';
import { adapters, config, env } from './wiring.ts';

/**
 * The publishing lease as the entries that only follow it read it (the platform's schedules: they
 * run in the region that publishes, and stand by in the other). The entries that hold it (the
 * forwarder, the lease keeper) use publisher-wiring.ts.
 */
export const leaseStore = { read: () => adapters.leaseStore.read() };

export const leaseTiming = (): LeaseTiming => ({ leaseMs: env.PUBLISHING_LEASE_MS, renewBeforeMs: env.PUBLISHING_LEASE_RENEW_BEFORE_MS, replayMarginMs: env.PUBLISHING_REPLAY_MARGIN_MS });

/** Whether this region holds the lease now, and since when (how long any other has been fenced). */
export const publishingHere = async (): Promise<{ here: boolean; sinceMs?: number | undefined; owner?: string | undefined }> => {
  const lease = await leaseStore.read();
  if (!lease || !holds(lease, config.region, lease.token, Date.now())) return { here: false, owner: lease?.owner };
  return { here: true, sinceMs: lease.sinceMs, owner: lease.owner };
};
