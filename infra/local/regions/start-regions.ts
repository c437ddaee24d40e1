import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable } from '../../../adapters/dynamodb/create-table.ts';
import { DynamoDbEventStore } from '../../../adapters/event-store/dynamodb-event-store.ts';
import { TABLES, type TableDefinition } from '../../../manifest/tables.ts';
import { lockDataDir } from '../data-dir-lock.ts';
import { secureDataDir } from '../data-dir-modes.ts';
import { LOCAL_CREDENTIALS, startDynamoDbLocal } from '../dynamodb-local.ts';
import { localIssuer } from '../issuer.ts';
import { sharedVariables, startDevicesAndTraffic, startWorld } from '../world.ts';
import { startEventFeed } from './event-feed.ts';
import { startFront, type HealthCheckSettings } from './front.ts';

export const DEFAULT_REGIONS = ['eu-west-1', 'eu-central-1'] as const;

/** A region's own name for a regional table: both regions' tables live in the one DynamoDB Local that stands for the global table. */
export const regionalTableName = (table: TableDefinition, region: string) => `${table.name}-${region}`;

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
  const failed = new Set<string>();
  try {
    secureDataDir(options.dataDir);
    const dynamo = await startDynamoDbLocal({ path: file('dynamodb'), pidFile: file('dynamodb-local.json'), log });
    stops.push(() => dynamo.stop());
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
    stops.push(async () => client.destroy());
    for (const t of Object.values(TABLES) as TableDefinition[]) if (t.scope !== 'regional') await createTable(client, t);
    const store = new DynamoDbEventStore(client, TABLES.events.name);
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
          SWITCHBOARD_DYNAMODB_ENDPOINT: dynamo.endpoint,
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
        fail: async (name) => {
          failed.add(name);
          children.get(name)!.kill('SIGSTOP');
        },
        recover: async (name) => {
          failed.delete(name);
          children.get(name)!.kill('SIGCONT');
        },
      },
    });
    stops.push(front.stop);
    lock.update(Number(new URL(front.url).port));
    // Devices and traffic reach Switchboard through the front, and learn of SIMs from the event store's
    // stream (they follow no region). CDR files go to the first region's bucket: a lost region's files wait for it.
    const [first] = names as [string];
    const feed = await startEventFeed({ dynamodb: client, endpoint: dynamo.endpoint, tableName: TABLES.events.name, checkpointFile: file('world-feed-checkpoints.json') });
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
    const endpoints = {
      front: front.url,
      api: front.url,
      mode: 'strong',
      regions,
      dynamodb: dynamo.endpoint,
      mnos: Object.fromEntries([...world.simulators.values()].map((m) => [m.id, m.url])),
      smdp: world.smdp.url,
      devices: outside.devices.url,
      signals: `${front.url}/v1/signals/{mnoId}`,
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
      dynamodbEndpoint: dynamo.endpoint,
      /** Whether a region is failed now (stopped where it stands). */
      isFailed: (name: string) => failed.has(name),
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`stopping: ${error.message}`));
        lock.release();
      },
      kill: () => {
        for (const child of children.values()) child.kill('SIGKILL');
        dynamo.kill();
      },
    };
  } catch (error) {
    for (const child of children.values()) child.kill('SIGKILL');
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    lock.release();
    throw error;
  }
};
