import { DynamoDbLeaseStore } from '../../adapters/lease/dynamodb-lease.ts';
import { holds, type LeaseTiming } from '../../domain/lease/publishing-lease.ts';
import { adapters, config, dynamodb, env } from './wiring.ts';

/** The publishing lease's store (an item of the event store's table), made on first use here: only the entries that follow or hold the lease carry it. */
export const leaseStore = () => (adapters.leaseStore ??= new DynamoDbLeaseStore(dynamodb, config.eventsTable));

/**
 * The publishing lease as the entries that only follow it read it (the platform's schedules: they
 * run in the region that publishes, and stand by in the other). The entries that hold it (the
 * forwarder, the lease keeper) use publisher-wiring.ts.
 */
export const leaseTiming = (): LeaseTiming => ({ leaseMs: env.PUBLISHING_LEASE_MS, renewBeforeMs: env.PUBLISHING_LEASE_RENEW_BEFORE_MS, replayMarginMs: env.PUBLISHING_REPLAY_MARGIN_MS });

/** Runs `run` only in the region holding the lease now (with since when: how long any other has been fenced); elsewhere stands by, naming the holder. */
export const wherePublishing =
  <A extends unknown[], R>(run: (lease: { sinceMs: number | undefined }, ...args: A) => Promise<R>) =>
  async (...args: A): Promise<R | { standby: string | null }> => {
    const lease = await leaseStore().read();
    if (!lease || !holds(lease, config.region, lease.token, Date.now())) return { standby: lease?.owner ?? null };
    return run({ sinceMs: lease.sinceMs }, ...args);
  };
