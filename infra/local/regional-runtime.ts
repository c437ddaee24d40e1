import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RunOptions } from 'aws-local-stepfunctions';
import { createTables } from '../../adapters/dynamodb/create-table.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { LEASE_KEEPER_ID, ROUTE_ENTRY_POINTS, RULE_ENTRY_POINTS, SCHEDULE_ENTRY_POINTS, STREAM_ENTRY_POINTS } from '../../manifest/entry-points.ts';
import { readEnvironment, type Variable } from '../../manifest/environment.ts';
import { EVENT_RULES, type EventRule } from '../../manifest/rules.ts';
import type { TableDefinition } from '../../manifest/tables.ts';
import { createGateway } from './api-gateway.ts';
import { startCascadeEngine } from './cascade-engine.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { secureDataDir } from './data-dir-modes.ts';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { handlerOf, invoke } from './entry-points.ts';
import { createEventBus, type EventBus } from './event-bus/bus.ts';
import type { BusEvent } from './event-bus/put-events.ts';
import { localIssuer, type LocalIssuer } from './issuer.ts';
import { jwtAuthorizer } from './jwt-authorizer.ts';
import { startLocalLogs, type LocalLogs } from './logs/index.ts';
import { startSchedules } from './schedules.ts';
import { startSignalQueue, watchSignalBucket } from './signals/network.ts';
import type { LocalQueues } from './sqs/index.ts';
import type { LocalStepFunctionsEngine } from './step-functions/engine.ts';
import { startStreamPoller, type StreamHandler } from './stream-poller.ts';
import { startLocalWebhooks, type LocalWebhooks } from './webhooks/index.ts';
import { sharedVariables } from './world.ts';

export interface RegionalRuntimeOptions {
  port?: number | undefined;
  host?: string | undefined;
  dataDir: string;
  /** Where the keys and credentials shared with what lies outside are (world.ts); `dataDir` by default. */
  sharedDir?: string | undefined;
  inMemory?: boolean | undefined;
  /** Use a DynamoDB (Local) that is already running instead of starting one. */
  dynamodbEndpoint?: string | undefined;
  /** Local engine overrides (tests shorten Wait states and retry intervals; the definition stays as deployed). */
  stepFunctions?: RunOptions['overrides'];
  /** false: no stream handlers run (nothing is published, no SIM change reaches the MNOs); for benchmarks of the command path. */
  streams?: boolean | undefined;
  /** Delays before each webhook retry (default 1 s, 2 s, 4 s, 8 s, 30 s, then parked); tests pass shorter ones. */
  webhookRetryDelaysMs?: readonly number[] | undefined;
  /** Where notices go (a DynamoDB Local left running stopped); stderr by default. */
  log?: ((message: string) => void) | undefined;
  /** The bus's rules (default: every rule of the manifest); a benchmark may leave some out, saying so. */
  rules?: readonly EventRule[] | undefined;
  /** The MNOs that deliver CDR files: their folders in the signals bucket are watched. */
  fileMnos?: readonly string[] | undefined;
  /** Schedules run more often than their trigger says, by name (tests: the reconciler every few seconds). */
  schedulesEveryMs?: Record<string, number> | undefined;
}

/** The schedules with the intervals a test asked for. */
const scheduledEvery = (entries: typeof SCHEDULE_ENTRY_POINTS, everyMs: Record<string, number> = {}) =>
  entries.map((e) => (everyMs[e.trigger.name] === undefined ? e : { ...e, trigger: { ...e.trigger, everyMs: everyMs[e.trigger.name]! } }));

export interface RegionalRuntime {
  url: string;
  port: number;
  dynamodbEndpoint: string;
  issuer: LocalIssuer;
  cascades: { engine: LocalStepFunctionsEngine; stateMachineArn: string; endpoint: string };
  /** The bulk operations' state machine (on the same engine). */
  bulk: { stateMachineArn: string };
  bus: EventBus;
  /** CloudWatch Logs: the groups of the rules' `log-group` targets (the ops feed), and their endpoint. */
  logs: LocalLogs;
  /** The bus's `webhooks` target: `idle()` waits for deliveries and their retries. */
  webhooks: LocalWebhooks;
  /** The stream handlers' feed: `discard()` drops records until `resume()` (benchmarks of the command path). */
  streams: { discard(): void; resume(): void };
  stop(): Promise<void>;
  /** Kills DynamoDB Local at once: for a process that must exit before `stop()` is done. */
  kill(): void;
  /** The scheduled entry points (the cascade reconciler): `runNow()` runs them at once. */
  schedules: { runNow(): Promise<void> };
  /** SQS (the signals queue): `idle()` waits until every pushed batch is consumed. */
  queues: LocalQueues;
  /** The CDR folders of MNOs that deliver files: `scanNow()` handles what is there at once (as S3 would notify). */
  signalFiles: { scanNow(): Promise<void> };
  store: DynamoDbEventStore;
  dynamodb: DynamoDBClient;
  readModelsTable: string;
  /** The signals bucket's folder (`<mno id>/<file>.csv`). */
  signalFilesDir: string;
  /** Resolves once the stream consumers have handled what the stream held at start-up. */
  caughtUp: Promise<unknown>;
  /** This region's endpoints, for endpoints.json. */
  endpoints: Record<string, string>;
}

/** Sets variables of the environment (manifest/environment.ts) for the handlers this process runs. */
const setVariables = (values: Partial<Record<Variable, string>>) => Object.assign(process.env, values);

/**
 * One region of Switchboard on this machine: DynamoDB Local with the tables CDK also creates (or
 * one already running), the cascade and bulk state machines on the local Step Functions engine, the
 * bus with the shared rules, the stream consumers, webhooks, CloudWatch Logs, the signals queue and
 * bucket, the schedules, and the API behind a gateway that authorizes as API Gateway does, with the
 * development token issuer. Handlers are the Lambda handlers, unchanged; they reach each service
 * through the endpoint variables the SDK reads, exactly as in AWS. What lies outside (MNOs, devices)
 * is world.ts's; runtime.ts starts both for `npm start`.
 *
 * The data folder is this runtime's alone while it runs (`runtime.lock`) and private (0700, its
 * files 0600). It keeps, unless `inMemory`: DynamoDB Local's files, the event archive, the stream
 * pollers' checkpoints, the executions (`executions/`) and the ops feed (`logs/`).
 */
export const startRegionalRuntime = async (options: RegionalRuntimeOptions): Promise<RegionalRuntime> => {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(options.dataDir, options.port);
  const log = options.log ?? ((message: string) => console.warn(`switchboard: ${message}`));
  const file = (name: string) => resolve(options.dataDir, name);
  const sharedDir = options.sharedDir ?? options.dataDir;
  const kept = (name: string) => (options.inMemory ? undefined : file(name));
  let dynamo: DynamoDbLocal | undefined;
  const stops: (() => Promise<unknown>)[] = [];
  try {
    secureDataDir(options.dataDir);
    const endpoint =
      options.dynamodbEndpoint ?? (dynamo = await startDynamoDbLocal({ path: kept('dynamodb'), pidFile: file('dynamodb-local.json'), log })).endpoint;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    setVariables({ AWS_REGION: process.env.AWS_REGION ?? 'local' });
    const env = readEnvironment();
    // The tables under the names the environment gives them (tests set their own), else their defaults.
    const tableName = (t: TableDefinition) => (env as Record<string, unknown>)[t.envVar] as string;
    const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
    await createTables(client, tableName);

    // Signals: the queue batches wait in, as SQS and its event source mapping; the bucket CDR files are dropped in, as a folder.
    const signalFilesDir = file('signal-files');
    const queues = await startSignalQueue({ journalFile: kept('signals-queue.ndjson'), deadLetterFile: file('signals-dead-letters.ndjson'), filesDir: signalFilesDir, log });
    stops.push(queues.stop);

    const cascades = await startCascadeEngine(options.stepFunctions, kept('executions'));
    let cascadesStopped: Promise<unknown> | undefined;
    const stopCascades = () => (cascadesStopped ??= cascades.stop());
    stops.push(stopCascades);
    process.env.AWS_ENDPOINT_URL_SFN = cascades.endpoint;
    // A stopped local execution's tasks stop with it (they run in this process): nothing to wait for before resuming.
    setVariables({ CASCADE_STATE_MACHINE_ARN: cascades.stateMachineArn, BULK_STATE_MACHINE_ARN: cascades.bulkStateMachineArn, CASCADE_RESUME_SETTLE_MS: process.env.CASCADE_RESUME_SETTLE_MS ?? '0' });
    // The MNO credentials, activation codes, the eIM's and EUM's keys, webhook secrets: shared with what lies outside (world.ts).
    setVariables(await sharedVariables(sharedDir));
    stops.push(async () => client.destroy());
    const store = new DynamoDbEventStore(client, env.EVENTS_TABLE);
    // Webhooks: http to loopback allowed (local receivers), secrets in a 0600 file per subscription.
    setVariables({ SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: 'loopback' });
    const webhooks = startLocalWebhooks({ store, dynamodb: client, env: readEnvironment(), retryDelaysMs: options.webhookRetryDelaysMs });
    stops.push(webhooks.stop);

    // CloudWatch Logs for the rules' log-group targets (the ops feed `npm run ops -- events` follows), its newest events kept on disk.
    const logGroups = EVENT_RULES.flatMap((r) => (r.target.kind === 'log-group' ? [r.target.logGroup] : []));
    const logs = await startLocalLogs({ logGroups, retentionInDays: 30, journalDir: kept('logs') });
    stops.push(logs.stop);
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = logs.endpoint;

    // The event bus with the shared rules; its function targets are the Lambda handlers CDK wires to them.
    // Its archive is kept on disk (one event per line), so replays reach back across restarts.
    const archiveFile = kept('event-archive.ndjson');
    const archived = archiveFile && existsSync(archiveFile)
      ? readFileSync(archiveFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as BusEvent)
      : [];
    const bus = createEventBus({
      rules: options.rules,
      archived,
      deliveriesFile: kept('bus-deliveries.ndjson'),
      targets: {
        'state-machine': async (name) => {
          throw new Error(`no local state machine target ${name}: rules start cascades through a function`);
        },
        function: async (name, event) => {
          const entry = RULE_ENTRY_POINTS.find((e) => e.trigger.function === name);
          if (!entry) throw new Error(`no rule entry point ${name} in the manifest`);
          await invoke(entry, event, event.id);
        },
        webhooks: (event) => webhooks.deliver(event),
        archive: async (event) => {
          if (archiveFile) appendFileSync(archiveFile, JSON.stringify(event) + '\n', { mode: 0o600 });
        },
        'log-group': (logGroup, event) => logs.writeEvent(logGroup, event),
      },
    });
    await new Promise<void>((ok) => bus.server.listen(0, '127.0.0.1', () => ok()));
    const eventBridgeEndpoint = `http://127.0.0.1:${(bus.server.address() as { port: number }).port}`;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridgeEndpoint;
    // Stopping runs backwards: once the bus is idle (no execution starts any more), executions are
    // interrupted (journaled as still running) before the MNOs and the rest go, which would fail them.
    stops.push(stopCascades);
    stops.push(async () => {
      await bus.idle();
      bus.server.closeAllConnections();
      await new Promise((ok) => bus.server.close(ok));
    });

    // The stream handlers AWS runs from the event store's DynamoDB stream, each with its own event
    // source mapping there: here each its own poller, with its own positions.
    const consumers: Awaited<ReturnType<typeof startStreamPoller>>[] = [];
    for (const entry of STREAM_ENTRY_POINTS) {
      const handler: StreamHandler = async (event) => (await invoke(entry, event)) as Awaited<ReturnType<StreamHandler>>;
      const poller = await startStreamPoller({
        dynamodb: client,
        endpoint,
        tableName: env.EVENTS_TABLE,
        handlers: options.streams === false ? [] : [handler],
        checkpointFile: kept(entry.trigger.consumer.checkpoints),
        deadLetterFile: kept(`${entry.trigger.consumer.checkpoints.replace(/-checkpoints\.json$/, '')}-dead-letters.ndjson`),
      });
      stops.push(poller.stop);
      consumers.push(poller);
    }

    // What the bus had accepted when an earlier run stopped, and not delivered (a killed runtime): delivered now.
    const undelivered = bus.deliverUndelivered();
    if (undelivered > 0) log(`${undelivered} event(s) accepted before the last stop and not delivered to every rule: delivering them now`);

    const issuer = await localIssuer(sharedDir);
    const server: Server = createGateway({
      authorize: jwtAuthorizer(issuer),
      load: async (route) => {
        const entry = ROUTE_ENTRY_POINTS.find((e) => e.trigger.route === route);
        if (!entry) throw new Error(`no entry point for ${route.method} ${route.path} in the manifest`);
        return (await handlerOf(entry)) as never;
      },
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => ok());
    });
    const { port } = server.address() as { port: number };
    lock.update(port);
    // The signals bucket's notifications: the folders of the MNOs that deliver files, watched.
    const bucket = watchSignalBucket({ filesDir: signalFilesDir, mnoIds: options.fileMnos ?? [], log });
    stops.push(bucket.stop);

    const endpoints = {
      api: `http://localhost:${port}`,
      dynamodb: endpoint,
      stepfunctions: cascades.endpoint,
      eventbridge: eventBridgeEndpoint,
      logs: logs.endpoint,
      signals: `http://localhost:${port}/v1/signals/{mnoId}`,
    };
    // The cascade reconciler: at start-up (what a process that died left running is resumed, once the
    // read models hold what the streams did), then every minute.
    const caughtUp = Promise.all(consumers.map((c) => c.caughtUp()));
    // The lease keeper from the start (the forwarder's batches wait for a lease: the stream cannot catch up without it); the rest once caught up.
    const entries = scheduledEvery(SCHEDULE_ENTRY_POINTS, options.schedulesEveryMs);
    const keeper = startSchedules(entries.filter((e) => e.id === LEASE_KEEPER_ID), { log });
    const schedules = startSchedules(entries.filter((e) => e.id !== LEASE_KEEPER_ID), { log, after: caughtUp });
    stops.push(keeper.stop, schedules.stop);
    return {
      url: `http://localhost:${port}`,
      dynamodbEndpoint: endpoint,
      issuer,
      bus,
      logs,
      webhooks,
      streams: { discard: () => consumers.forEach((c) => c.discard()), resume: () => consumers.forEach((c) => c.resume()) },
      cascades: { engine: cascades.engine, stateMachineArn: cascades.stateMachineArn, endpoint: cascades.endpoint },
      bulk: { stateMachineArn: cascades.bulkStateMachineArn },
      stop: async () => {
        server.closeAllConnections();
        await new Promise((ok) => server.close(ok));
        // Every part is stopped, whatever one of them throws: DynamoDB Local (a process of its own) above all.
        const failures: unknown[] = [];
        for (const stop of stops.reverse()) await stop().catch((error: unknown) => void failures.push(error));
        await dynamo?.stop();
        lock.release();
        for (const failure of failures) log(`stopping: ${(failure as Error).message}`);
      },
      kill: () => dynamo?.kill(),
      schedules: { runNow: () => Promise.all([keeper.runNow(), schedules.runNow()]).then(() => undefined) },
      queues,
      signalFiles: { scanNow: bucket.scanNow },
      port,
      store,
      dynamodb: client,
      readModelsTable: env.READ_MODELS_TABLE,
      signalFilesDir,
      caughtUp,
      endpoints,
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await dynamo?.stop();
    lock.release();
    throw error;
  }
};
