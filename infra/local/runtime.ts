import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RunOptions } from 'aws-local-stepfunctions';
import { createTables } from '../../adapters/dynamodb/create-table.ts';
import { fileSigner } from '../../adapters/signing/file-signer.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { ROUTE_ENTRY_POINTS, RULE_ENTRY_POINTS, SCHEDULE_ENTRY_POINTS, STREAM_ENTRY_POINTS } from '../../manifest/entry-points.ts';
import { readEnvironment, type Variable } from '../../manifest/environment.ts';
import { EVENT_RULES, type EventRule } from '../../manifest/rules.ts';
import type { TableDefinition } from '../../manifest/tables.ts';
import { startCascadeEngine } from './cascade-engine.ts';
import { handlerOf, invoke } from './entry-points.ts';
import { startSchedules } from './schedules.ts';
import { startDeviceFleet, type DeviceProfile } from './devices/fleet.ts';
import { addDevicesForKnownSims } from './devices/known-sims.ts';
import type { LocalQueues } from './sqs/index.ts';
import type { TrafficGenerator } from './mno-simulators/traffic.ts';
import { startNetworkTraffic, startSignalQueue } from './signals/network.ts';
import { startSimulatedSmdp, type SimulatedSmdp } from './smdp/server.ts';
import { startStreamPoller, type StreamHandler } from './stream-poller.ts';
import { createEventBus, type EventBus } from './event-bus/bus.ts';
import type { BusEvent } from './event-bus/put-events.ts';
import { startLocalLogs, type LocalLogs } from './logs/index.ts';
import { startLocalWebhooks, type LocalWebhooks } from './webhooks/index.ts';
import type { MnoSimulator } from './mno-simulators/index.ts';
import { DEFAULT_SIMULATED_MNOS, startSimulatedMnos, type SimulatedMno } from './simulated-mnos.ts';
import type { LocalStepFunctionsEngine } from './step-functions/engine.ts';
import { createGateway } from './api-gateway.ts';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { secureDataDir } from './data-dir-modes.ts';
import { localIssuer, type LocalIssuer } from './issuer.ts';
import { jwtAuthorizer } from './jwt-authorizer.ts';

export interface RuntimeOptions {
  port?: number | undefined;
  host?: string | undefined;
  dataDir: string;
  inMemory?: boolean | undefined;
  /** Use a DynamoDB (Local) that is already running instead of starting one. */
  dynamodbEndpoint?: string | undefined;
  /** The simulated MNOs to start and register (default: five, one per API style at least). */
  mnos?: readonly SimulatedMno[] | undefined;
  /** Local engine overrides (tests shorten Wait states and retry intervals; the definition stays as deployed). */
  stepFunctions?: RunOptions['overrides'];
  /** false: no stream handlers run (nothing is published, no SIM change reaches the MNOs); for benchmarks of the command path. */
  streams?: boolean | undefined;
  /** Delays before each webhook retry (default 1 s, 2 s, 4 s, 8 s, 30 s, then parked); tests pass shorter ones. */
  webhookRetryDelaysMs?: readonly number[] | undefined;
  /** Where notices go (a simulated MNO's kept port taken, a DynamoDB Local left running stopped); stderr by default. */
  log?: ((message: string) => void) | undefined;
  /** How often the simulated devices poll the eIM for packages (2 s by default). */
  devicePollMs?: number | undefined;
  /** false: no simulated device is made for a registered SIM (a benchmark drives its own). */
  devices?: boolean | undefined;
  /** The bus's rules (default: every rule of the manifest); a benchmark may leave some out, saying so. */
  rules?: readonly EventRule[] | undefined;
  /** The simulated MNOs' network traffic: false for none; else how often each sends its SIMs' records (20 s by default). */
  traffic?: false | { tickMs?: number | undefined } | undefined;
  /**
   * One region of two (infra/local/regions/): the MNOs, SM-DP+s, devices and traffic run outside it,
   * in the process that started the regions; the keys and credentials they share (issuer, MNO
   * credentials, eIM and EUM keys, webhook secrets, activation codes) are in `sharedDir`.
   */
  region?: { sharedDir: string } | undefined;
  /** Schedules run more often than their trigger says, by name (tests: the reconciler every few seconds). */
  schedulesEveryMs?: Record<string, number> | undefined;
}

/** The schedules with the intervals a test asked for. */
const scheduledEvery = (entries: typeof SCHEDULE_ENTRY_POINTS, everyMs: Record<string, number> = {}) =>
  entries.map((e) => (everyMs[e.trigger.name] === undefined ? e : { ...e, trigger: { ...e.trigger, everyMs: everyMs[e.trigger.name]! } }));

export interface Runtime {
  url: string;
  dynamodbEndpoint: string;
  issuer: LocalIssuer;
  simulators: Map<string, MnoSimulator>;
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
  /** The simulated devices (one per SIM registered): `pollNow()` has each fetch and run what waits for it. */
  devices: Awaited<ReturnType<typeof startDeviceFleet>>;
  /** The MNOs' simulated SM-DP+s (profiles ordered and downloaded there). */
  smdp: SimulatedSmdp;
  /** SQS (the signals queue): `idle()` waits until every pushed batch is consumed. */
  queues: LocalQueues;
  /** Each simulated MNO's traffic generator (anomalies also at `PUT <mno>/_sim/traffic/{iccid}`); empty with `traffic: false`. */
  traffic: Map<string, TrafficGenerator>;
  /** The CDR folders of MNOs that deliver files: `scanNow()` handles what is there at once (as S3 would notify). */
  signalFiles: { scanNow(): Promise<void> };
}

/** Sets variables of the environment (manifest/environment.ts) for the handlers this process runs. */
const setVariables = (values: Partial<Record<Variable, string>>) => Object.assign(process.env, values);

/**
 * The whole system on this machine: DynamoDB Local with the tables CDK also creates, simulated
 * MNO CMPs registered and verified, the cascade state machine on the local Step Functions engine,
 * the development token issuer, and the API behind a gateway that authorizes as API Gateway does.
 * Handlers are the Lambda handlers, unchanged; they reach DynamoDB through the endpoint variable
 * the SDK reads, exactly as in AWS.
 *
 * The data folder is this runtime's alone while it runs (`runtime.lock`: a second start on it
 * fails naming this one) and private (0700, its files 0600, fixed at start for older files). It
 * keeps, unless `inMemory`: DynamoDB Local's files, the event archive, the stream pollers'
 * checkpoints, the executions (`executions/`) and the ops feed (`logs/`); and always: the issuer's
 * key, the simulated MNOs' credentials and ports, the webhook secrets, endpoints.json.
 */
export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(options.dataDir, options.port);
  const log = options.log ?? ((message: string) => console.warn(`switchboard: ${message}`));
  const file = (name: string) => resolve(options.dataDir, name);
  /** What the regions share (secrets are replicated in AWS): this runtime's own folder unless it is one of two regions. */
  const shared = (name: string) => resolve(options.region?.sharedDir ?? options.dataDir, name);
  const world = options.region === undefined;
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
    const credentialsFile = shared('mno-credentials.json');
    process.env.AWS_ENDPOINT_URL_SFN = cascades.endpoint;
    // A stopped local execution's tasks stop with it (they run in this process): nothing to wait for before resuming.
    setVariables({ CASCADE_STATE_MACHINE_ARN: cascades.stateMachineArn, BULK_STATE_MACHINE_ARN: cascades.bulkStateMachineArn, MNO_CREDENTIALS_FILE: credentialsFile, CASCADE_RESUME_SETTLE_MS: process.env.CASCADE_RESUME_SETTLE_MS ?? '0' });
    const store = new DynamoDbEventStore(client, env.EVENTS_TABLE);
    // The MNOs' SM-DP+s (SGP.22 ES2+/ES9+), where profiles are ordered and devices download them; activation codes kept as 0600 files.
    const smdp = world ? await startSimulatedSmdp(log) : outsideSmdp;
    stops.push(smdp.stop);
    setVariables({ ACTIVATION_CODES_DIR: shared('activation-codes') });
    const mnos = world
      ? await startSimulatedMnos(store, options.mnos ?? DEFAULT_SIMULATED_MNOS, credentialsFile, { portsFile: file('mno-ports.json'), stateDir: kept('mno-state'), log, smdp })
      : { simulators: new Map<string, MnoSimulator>(), signalKeys: new Map<string, string>(), stop: async () => undefined };
    stops.push(mnos.stop, async () => client.destroy());

    // The eIM's signing key, and a local EUM whose certificates its devices carry (keys in 0600 files, made once).
    const eum = fileSigner(shared('eum-key.json'), 'local-eum');
    setVariables({ EIM_KEY_FILE: shared('eim-key.json'), EUM_PUBLIC_KEYS: JSON.stringify([await eum.publicJwk()]) });

    // Webhooks: http to loopback allowed (local receivers), secrets in a 0600 file per subscription.
    setVariables({ SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: 'loopback', WEBHOOK_SECRETS_DIR: shared('webhook-secrets') });
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

    const issuer = await localIssuer(options.region?.sharedDir ?? options.dataDir);
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
    smdp.notifyTo(`http://127.0.0.1:${port}`);
    // One simulated device per SIM registered from now on (and those an earlier run had), polling the eIM.
    const devices = !world ? outsideDevices : await startDeviceFleet({
      api: `http://127.0.0.1:${port}`,
      eimId: readEnvironment().EIM_ID,
      eimPublicJwk: await fileSigner(shared('eim-key.json'), 'eim').publicJwk(),
      eum,
      attaches: (mno) => mnos.simulators.get(mno)?.faults().outage !== true,
      dir: kept('devices'),
      pollMs: options.devicePollMs,
      log,
    });
    stops.push(devices.stop);
    // Network traffic: each simulated MNO delivers its SIMs' records in its style's shape.
    const network =
      options.traffic === false || !world
        ? undefined
        : startNetworkTraffic({ store, bus, simulators: mnos.simulators, specs: options.mnos ?? DEFAULT_SIMULATED_MNOS, signalKeys: mnos.signalKeys, apiPort: port, filesDir: signalFilesDir, tickMs: options.traffic?.tickMs, log });
    if (network) stops.push(network.stop);
    bus.subscribe((event) => {
      if (options.devices === false || event['detail-type'] !== 'SimRegistered' || event['replay-name'] !== undefined) return;
      const { eid, profiles } = (event.detail as { data: { eid: string; profiles: DeviceProfile[] } }).data;
      void devices.add(eid, profiles).catch((error: Error) => log(`device ${eid}: ${error.message}`));
    });

    const endpoints = {
      api: `http://localhost:${port}`,
      dynamodb: endpoint,
      stepfunctions: cascades.endpoint,
      eventbridge: eventBridgeEndpoint,
      logs: logs.endpoint,
      mnos: Object.fromEntries([...mnos.simulators.values()].map((m) => [m.id, m.url])),
      devices: devices.url,
      smdp: smdp.url,
      signals: `http://localhost:${port}/v1/signals/{mnoId}`,
    };
    writeFileSync(file('endpoints.json'), JSON.stringify(endpoints, null, 2) + '\n', { mode: 0o600 });
    // What DynamoDB Local and the rest created meanwhile (npm start also sets a umask of 077).
    secureDataDir(options.dataDir);
    // The cascade reconciler: at start-up (what a process that died left running is resumed, once the
    // read models hold what the streams did), then every minute.
    const caughtUp = Promise.all(consumers.map((c) => c.caughtUp()));
    const schedules = startSchedules(scheduledEvery(SCHEDULE_ENTRY_POINTS, options.schedulesEveryMs), { log, after: caughtUp });
    // Devices for the SIMs an earlier runtime registered without them (once the read models list every SIM).
    if (options.devices !== false)
      void caughtUp
        .then(() => addDevicesForKnownSims(client, env.READ_MODELS_TABLE, store, devices))
        .then((added) => added > 0 && log(`devices made for ${added} SIMs registered before`))
        .catch((error: Error) => log(`devices for known SIMs: ${error.message}`));
    if (network)
      void caughtUp.then(() => network.addKnownSims(client, env.READ_MODELS_TABLE)).catch((error: Error) => log(`traffic for known SIMs: ${error.message}`));
    stops.push(schedules.stop);
    return {
      url: `http://localhost:${port}`,
      dynamodbEndpoint: endpoint,
      issuer,
      simulators: mnos.simulators,
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
      schedules: { runNow: schedules.runNow },
      devices,
      smdp,
      queues,
      traffic: network?.traffic ?? new Map(),
      signalFiles: { scanNow: () => network?.scanNow() ?? Promise.resolve() },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await dynamo?.stop();
    lock.release();
    throw error;
  }
};

/** A region's stand-ins for what runs outside it (the SM-DP+s and devices of the process that started the regions). */
const outsideSmdp = { url: '', stop: async () => undefined, notifyTo: () => undefined } as unknown as SimulatedSmdp;
const outsideDevices = { url: '', stop: async () => undefined, add: async () => undefined, pollNow: async () => undefined } as unknown as Awaited<ReturnType<typeof startDeviceFleet>>;

export const dataDirFromEnv = () => resolve(process.env.SWITCHBOARD_DATA_DIR ?? '.switchboard');
