import { SQSClient } from '@aws-sdk/client-sqs';
import { credentialStoreFor } from '../../adapters/mno-gateways/credentials.ts';
import { countSignals } from '../../adapters/observability/metrics.ts';
import { traced } from '../../adapters/observability/tracer.ts';
import { dynamoDbBatchIds } from '../../adapters/signals/dynamodb-batch-ids.ts';
import { dynamoDbUsageCounters } from '../../adapters/signals/dynamodb-usage-counters.ts';
import { sqsSignalQueue } from '../../adapters/signals/sqs-signal-queue.ts';
import { contextCache, loadSimContext } from '../../application/signals/facts.ts';
import type { SignalPorts } from '../../application/signals/ports.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { required } from '../../manifest/environment.ts';
import { adapters, config, dynamodb, env } from './wiring.ts';

/** The signals' side of the composition root: made on first use, by the entries that use them. */
let ports: SignalPorts | undefined;
export const signalPorts = (): SignalPorts =>
  (ports ??= { store: adapters.eventStore, counters: dynamoDbUsageCounters(dynamodb, env.SIGNALS_TABLE), region: config.region, nowMs: Date.now, count: countSignals });

let contexts: ReturnType<typeof contextCache> | undefined;
/** The SIM contexts this warm function read lately (application/signals/facts.ts). */
export const simContexts = () => (contexts ??= contextCache((iccid) => loadSimContext(adapters.eventStore, iccid), Date.now));

export const usageCounters = () => dynamoDbUsageCounters(dynamodb, env.SIGNALS_TABLE);
export const batchIds = () => dynamoDbBatchIds(dynamodb, env.SIGNALS_TABLE);
export const signalQueue = () => sqsSignalQueue(traced(new SQSClient({ maxAttempts: 3 })), required(env, 'SIGNALS_QUEUE_URL', 'pushed signals have no queue to wait in'));

const credentials = credentialStoreFor(env);
/** The MNO's signal key (its credentials' `signalKey`), undefined when it has none; never logged. */
export const signalKeyOf = async (registration: MnoRegistration) => (await credentials.get(registration.api.credentialsRef)).signalKey;
