import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { folderSignalFiles, s3SignalFiles, type SignalFiles } from '../../adapters/signals/signal-files.ts';
import { credentialStoreFor } from '../../adapters/mno-gateways/credentials.ts';
import { inboundKeysFor } from '../../adapters/mno-gateways/inbound-keys.ts';
import { countSignals } from '../../adapters/observability/metrics.ts';
import { traced } from '../../adapters/observability/tracer.ts';
import { dynamoDbBatchIds } from '../../adapters/signals/dynamodb-batch-ids.ts';
import { dynamoDbUsageCounters } from '../../adapters/signals/dynamodb-usage-counters.ts';
import { sqsSignalQueue } from '../../adapters/signals/sqs-signal-queue.ts';
import { contextCache, loadSimContext } from '../../application/signals/facts.ts';
import type { CmpPull, SignalPorts } from '../../application/signals/ports.ts';
import type { PollPorts } from '../../application/signals/poll.ts';
import { dynamoDbPullState } from '../../adapters/signals/dynamodb-pull-state.ts';
import { controlCenterPull } from '../../adapters/signals/control-center-pull.ts';
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


/** Made on first use and kept for the warm function's life (its clients' connections reused). */
const once = <T>(make: () => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};

export const usageCounters = () => signalPorts().counters;
export const batchIds = once(() => dynamoDbBatchIds(dynamodb, env.SIGNALS_TABLE));
/** The pull and file paths' batch ids: kept a week, as long as a file may be notified again or a poll's outbox wait. */
export const fileBatchIds = once(() => dynamoDbBatchIds(dynamodb, env.SIGNALS_TABLE, Date.now, 7 * 24 * 3600_000));

/** The signals bucket (S3 in AWS), or the folder the local runtime watches for it. */
export const signalFiles = once((): SignalFiles =>
  env.SIGNALS_BUCKET ? s3SignalFiles(traced(new S3Client({ maxAttempts: 3 })), env.SIGNALS_BUCKET) : folderSignalFiles(required(env, 'SIGNAL_FILES_DIR', 'signal files have no bucket or folder to be read from')),
);
export const signalQueue = once(() => sqsSignalQueue(traced(new SQSClient({ maxAttempts: 3 })), required(env, 'SIGNALS_QUEUE_URL', 'pushed signals have no queue to wait in')));

const credentials = credentialStoreFor(env);
const inbound = inboundKeysFor(env);
/** The MNO's signal key (its inbound keys' `signalKey`, never its CMP credentials), undefined when it has none; never logged. */
export const signalKeyOf = async (mno: string) => (await inbound(mno))?.signalKey;

/** The pull path's ports: its place in the signals table, the queue, batch ids kept a week. */
export const pullPorts = (): PollPorts => ({ state: dynamoDbPullState(dynamodb, env.SIGNALS_TABLE), queue: signalQueue(), batchIds: fileBatchIds(), nowMs: Date.now });

/** A pull MNO's CMP (Cisco IoT Control Center's REST shape), its credentials from the store, each call admitted by its rate budget first. */
export const cmpPullOf = async (registration: MnoRegistration, admit: () => Promise<void>): Promise<CmpPull> => {
  const secret = await credentials.get(registration.api.credentialsRef);
  if (!secret.apiKey) throw new Error(`the credentials of ${registration.id} hold no apiKey for its CMP's REST API`);
  const client = controlCenterPull({ endpoint: registration.api.endpoint, username: secret.username ?? 'switchboard', apiKey: secret.apiKey });
  const admitted = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A) => (await admit(), call(...args));
  return { modifiedSince: admitted(client.modifiedSince), usage: admitted(client.usage), sessions: admitted(client.sessions), sms: admitted(client.sms) };
};
