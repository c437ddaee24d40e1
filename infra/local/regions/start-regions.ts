import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TABLES, type TableDefinition } from '../../../manifest/tables.ts';
import { lockDataDir } from '../data-dir-lock.ts';
import { startConsole } from '../console/server.ts';
import { secureDataDir } from '../data-dir-modes.ts';
import { localIssuer } from '../issuer.ts';
import { sharedVariables, startDevicesAndTraffic, startWorld } from '../world.ts';
import { startEventFeed } from './event-feed.ts';
import { startRegionStores, type ConsistencyMode } from './stores.ts';
import { startFront, type HealthCheckSettings } from './front.ts';

/** The consistency cdk.json chooses for the event store's global table (`strong` unless it says `eventual`). */
const consistencyOfCdkJson = (): ConsistencyMode => {
  const cdk = JSON.parse(readFileSync(fileURLToPath(new URL('../../../cdk.json', import.meta.url)), 'utf8')) as { context?: { consistency?: string } };
  return cdk.context?.consistency === 'eventual' ? 'eventual' : 'strong';
};

const DEFAULT_REGIONS = ['eu-west-1', 'eu-central-1'] as const;

/** A region's own name for a regional table: both regions' tables live in the one DynamoDB Local that stands for the global table. */
const regionalTableName = (table: TableDefinition, region: string) => `${table.name}-${region}`;

/** The variables naming a region's tables: the event store and the replicated tables shared, the regional ones its own. */
const tableVariables = (region: string) =>
  Object.fromEntries((Object.values(TABLES) as TableDefinition[]).map((t) => [t.envVar, t.scope === 'regional' ? regionalTableName(t, region) : t.name]));

export interface RegionsOptions {
  dataDir: string;
  /** The front's port (the one URL clients use); 3000 by default. */
  port?: number | undefined;
  regions?: readonly string[] | undefined;
  health?: Partial<HealthCheckSettings> | undefined;
  /** Variables for the regions' processes (tests shorten the lease and the reconciler's waits). */
  env?: Record<string, string> | undefined;
  /** How the regions share the event store; cdk.json's `consistency` by default. */
  mode?: ConsistencyMode | undefined;
  /** Replication lag in `eventual` mode (1 s by default). */
  replicationLagMs?: number | undefined;
  /** false: no simulated devices (one per SIM registered, as with one region). */
  devices?: boolean | undefined;
  /** The simulated MNOs' network traffic: false for none; else how often each sends (20 s by default). */
  traffic?: false | { tickMs?: number | undefined } | undefined;
  log?: ((message: string) => void) | undefined;
}

/**
 * `npm start -- --regions 2`: two regional runtimes on this machine, each a process of its own
 * (infra/local/regions/region.ts) with its API, workers, engine, bus, webhooks, read models and
 * idempotency records, over one event store in one DynamoDB Local (the `strong` mode: a global
 * table whose conditional writes hold across regions). The MNOs, their SM-DP+s, the devices and
 * their traffic are the world's (world.ts), run here, reached by and reaching both regions. The failover front (front.ts) is the one URL.
 * A region is failed by stopping its process where it stands (SIGSTOP: it answers nothing, holds
 * what it held, and wakes with what it believed) and recovered by letting it go on (SIGCONT).
 */
export const startRegions = async (options: RegionsOptions) => {
  const log = options.log ?? ((m: string) => console.warn(`switchboard: ${m}`));
  const names = options.regions ?? DEFAULT_REGIONS;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(options.dataDir, options.port);
  const file = (name: string) => resolve(options.dataDir, name);
  const stops: (() => Promise<unknown>)[] = [];
  const children = new Map<string, ChildProcess>();
  try {
    secureDataDir(options.dataDir);
    const mode = options.mode ?? consistencyOfCdkJson();
    const stores = await startRegionStores({ mode, regions: names, dataDir: (region) => (region ? file(`regions/${region}`) : options.dataDir), lagMs: options.replicationLagMs, log });
    stops.push(stores.stop);
    // The world writes (its MNOs' registrations) to the first region's store; replication carries them on.
    const [first] = names as [string];
    const { client, store } = stores.of(first);
    // What the regions share (replicated secrets in AWS), made once here before either region reads it.
    await localIssuer(options.dataDir);
    await sharedVariables(options.dataDir);
    const world = await startWorld({ store, dataDir: options.dataDir, sharedDir: options.dataDir, log });
    stops.push(world.stop);

    const regions: Record<string, { api: string; stepfunctions: string }> = {};
    const region = fileURLToPath(new URL('./region.ts', import.meta.url));
    for (const name of names) {
      const child = fork(region, [], {
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          ...options.env,
          ...tableVariables(name),
          AWS_REGION: name,
          SWITCHBOARD_REGION_DATA_DIR: file(`regions/${name}`),
          SWITCHBOARD_SHARED_DIR: options.dataDir,
          SWITCHBOARD_DYNAMODB_ENDPOINT: stores.of(name).dynamo.endpoint,
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.set(name, child);
      regions[name] = await new Promise((ok, fail) => {
        child.once('message', (m: { ready?: { api: string; stepfunctions: string }; failed?: string }) => (m.ready ? ok(m.ready) : fail(new Error(`region ${name} did not start: ${m.failed}`))));
        child.once('exit', (code) => fail(new Error(`region ${name} exited (${code}) while starting`)));
      });
      log(`region ${name} serving at ${regions[name]!.api}`);
    }
    stops.push(async () => {
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((ok) => {
              if (child.exitCode !== null || child.signalCode !== null) return ok();
              child.once('exit', () => ok());
              child.kill('SIGCONT');
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
            }),
        ),
      );
    });

    const front = await startFront({
      port: options.port ?? 3000,
      regions: names.map((name) => ({ name, url: regions[name]!.api })),
      health: options.health,
      log,
      control: {
        // A region's processes stop where they stand; in eventual mode its own DynamoDB Local too (replication to and from it waits).
        fail: async (name) => {
          children.get(name)!.kill('SIGSTOP');
          if (mode === 'eventual') process.kill(stores.of(name).dynamo.pid, 'SIGSTOP');
        },
        recover: async (name) => {
          if (mode === 'eventual') process.kill(stores.of(name).dynamo.pid, 'SIGCONT');
          children.get(name)!.kill('SIGCONT');
        },
      },
    });
    stops.push(front.stop);
    lock.update(Number(new URL(front.url).port));
    // Devices and traffic reach Switchboard through the front, and learn of SIMs from the event store's
    // stream (they follow no region). CDR files go to the first region's bucket: a lost region's files wait for it.
    const feed = await startEventFeed({
      tableName: TABLES.events.name,
      sources: stores.all.map((s, i) => ({ dynamodb: s.client, endpoint: s.dynamo.endpoint, checkpointFile: file(`world-feed-checkpoints-${i}.json`) })),
    });
    stops.push(feed.stop);
    const outside = await startDevicesAndTraffic(world, {
      api: front.url,
      feed,
      store,
      dynamodb: client,
      readModelsTable: regionalTableName(TABLES.readModels, first),
      sharedDir: options.dataDir,
      devicesDir: file('devices'),
      filesDir: file(`regions/${first}/signal-files`),
      caughtUp: feed.caughtUp(),
      devices: options.devices,
      traffic: options.traffic,
      log,
    });
    stops.push(outside.stop);
    const opsConsole = await startConsole({ api: front.url, port: options.port === 0 ? 0 : (options.port ?? 3000) + 1, log });
    stops.push(opsConsole.stop);
    const endpoints = {
      front: front.url,
      api: front.url,
      mode,
      regions,
      dynamodb: Object.fromEntries(names.map((n) => [n, stores.of(n).dynamo.endpoint])),
      mnos: Object.fromEntries([...world.simulators.values()].map((m) => [m.id, m.url])),
      smdp: world.smdp.url,
      devices: outside.devices.url,
      signals: `${front.url}/v1/signals/{mnoId}`,
      console: opsConsole.url,
    };
    writeFileSync(file('endpoints.json'), JSON.stringify(endpoints, null, 2) + '\n', { mode: 0o600 });
    secureDataDir(options.dataDir);
    return {
      url: front.url,
      front,
      regions,
      endpoints,
      simulators: world.simulators,
      devices: outside.devices,
      traffic: outside.traffic,
      mode,
      stores,
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`stopping: ${error.message}`));
        lock.release();
      },
      kill: () => {
        for (const child of children.values()) child.kill('SIGKILL');
        for (const s of stores.all) s.dynamo.kill();
      },
    };
  } catch (error) {
    for (const child of children.values()) child.kill('SIGKILL');
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    lock.release();
    throw error;
  }
};
