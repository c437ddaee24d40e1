import { countSignals } from '../../adapters/observability/metrics.ts';
import { dynamoDbBatchIds } from '../../adapters/signals/dynamodb-batch-ids.ts';
import { dynamoDbUsageCounters } from '../../adapters/signals/dynamodb-usage-counters.ts';
import { contextCache, loadSimContext } from '../../application/signals/facts.ts';
import type { SignalPorts } from '../../application/signals/ports.ts';
import { adapters, config, dynamodb, env } from './wiring.ts';

/**
 * The signals' side of the composition root: made on first use and kept for the warm function's
 * life (its clients' connections reused). What only some entries use is in its own wiring
 * (signal-queue-wiring.ts: the queue; signal-files-wiring.ts: the bucket; pull-wiring.ts: the CMPs
 * polled), so that the others (the usage route)
 * neither bundle nor load it.
 */
export const once = <T>(make: () => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};

export const signalPorts = once((): SignalPorts => ({ store: adapters.eventStore, counters: dynamoDbUsageCounters(dynamodb, env.SIGNALS_TABLE), region: config.region, nowMs: Date.now, count: countSignals }));

/** The SIM contexts this warm function read lately (application/signals/facts.ts). */
export const simContexts = once(() => contextCache((iccid) => loadSimContext(adapters.eventStore, iccid), Date.now));

export const usageCounters = () => signalPorts().counters;
export const batchIds = once(() => dynamoDbBatchIds(dynamodb, env.SIGNALS_TABLE));
/** The pull and file paths' batch ids: kept a week, as long as a file may be notified again or a poll's outbox wait. */
export const fileBatchIds = once(() => dynamoDbBatchIds(dynamodb, env.SIGNALS_TABLE, Date.now, 7 * 24 * 3600_000));
