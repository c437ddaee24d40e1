import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { startDeviceFleet } from './devices/fleet.ts';
import type { MnoSimulator } from './mno-simulators/index.ts';
import type { TrafficGenerator } from './mno-simulators/traffic.ts';
import { startRegionalRuntime, type RegionalRuntime, type RegionalRuntimeOptions } from './regional-runtime.ts';
import { startConsole, type ConsoleServer } from './console/server.ts';
import { secureDataDir } from './data-dir-modes.ts';
import { fileDeliveringMnos } from './signals/network.ts';
import { DEFAULT_SIMULATED_MNOS, type SimulatedMno } from './simulated-mnos.ts';
import type { SimulatedSmdp } from './smdp/server.ts';
import { startDevicesAndTraffic, startWorld } from './world.ts';

export interface RuntimeOptions extends Omit<RegionalRuntimeOptions, 'sharedDir' | 'fileMnos'> {
  /** The simulated MNOs to start and register (default: five, one per API style at least). */
  mnos?: readonly SimulatedMno[] | undefined;
  /** How often the simulated devices poll the eIM for packages (2 s by default). */
  devicePollMs?: number | undefined;
  /** false: no simulated device is made for a registered SIM (a benchmark drives its own). */
  devices?: boolean | undefined;
  /** The simulated MNOs' network traffic: false for none; else how often each sends its SIMs' records (20 s by default). */
  traffic?: false | { tickMs?: number | undefined } | undefined;
}

export interface Runtime extends RegionalRuntime {
  simulators: Map<string, MnoSimulator>;
  /** The simulated devices (one per SIM registered): `pollNow()` has each fetch and run what waits for it. */
  devices: Awaited<ReturnType<typeof startDeviceFleet>>;
  /** The MNOs' simulated SM-DP+s (profiles ordered and downloaded there). */
  smdp: SimulatedSmdp;
  /** Each simulated MNO's traffic generator (anomalies also at `PUT <mno>/_sim/traffic/{iccid}`); empty with `traffic: false`. */
  traffic: Map<string, TrafficGenerator>;
  /** The read-only ops console in the browser, on the API's GET routes (`console` in endpoints.json). */
  console: ConsoleServer;
}

/**
 * `npm start`: the whole system on this machine with no Docker and no AWS account. One region of
 * Switchboard (regional-runtime.ts) and what lies outside it (world.ts): the simulated MNO CMPs,
 * registered and verified, their SM-DP+s, one simulated device per SIM, each MNO's network traffic.
 * Every endpoint is written to `endpoints.json` in the data folder, which also keeps the issuer's
 * key, the MNOs' credentials, ports and state, the webhook secrets.
 */
export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const specs = options.mnos ?? DEFAULT_SIMULATED_MNOS;
  const region = await startRegionalRuntime({ ...options, fileMnos: fileDeliveringMnos(specs) });
  const log = options.log ?? ((message: string) => console.warn(`switchboard: ${message}`));
  let world: Awaited<ReturnType<typeof startWorld>> | undefined;
  let outside: Awaited<ReturnType<typeof startDevicesAndTraffic>> | undefined;
  let opsConsole: ConsoleServer | undefined;
  try {
    world = await startWorld({ store: region.store, dataDir: options.dataDir, sharedDir: options.dataDir, specs, inMemory: options.inMemory, log });
    outside = await startDevicesAndTraffic(world, {
      api: `http://127.0.0.1:${region.port}`,
      feed: region.bus,
      store: region.store,
      dynamodb: region.dynamodb,
      readModelsTable: region.readModelsTable,
      sharedDir: options.dataDir,
      devicesDir: options.inMemory ? undefined : resolve(options.dataDir, 'devices'),
      filesDir: region.signalFilesDir,
      caughtUp: region.caughtUp,
      devices: options.devices,
      devicePollMs: options.devicePollMs,
      traffic: options.traffic,
      log,
    });
    // Beside a fixed API port, the next one (3001 by default); a free one beside a free one (tests).
    opsConsole = await startConsole({ api: `http://127.0.0.1:${region.port}`, port: options.port ? options.port + 1 : 0, log });
  } catch (error) {
    await opsConsole?.stop();
    await outside?.stop();
    await region.stop();
    await world?.stop();
    throw error;
  }
  const endpoints = {
    ...region.endpoints,
    mnos: Object.fromEntries([...world.simulators.values()].map((m) => [m.id, m.url])),
    devices: outside.devices.url,
    smdp: world.smdp.url,
    console: opsConsole.url,
  };
  writeFileSync(resolve(options.dataDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2) + '\n', { mode: 0o600 });
  // What DynamoDB Local and the rest created meanwhile (npm start also sets a umask of 077).
  secureDataDir(options.dataDir);
  return {
    ...region,
    simulators: world.simulators,
    devices: outside.devices,
    smdp: world.smdp,
    traffic: outside.traffic,
    console: opsConsole,
    // The console and the outside first (devices stop polling), then the region (its executions interrupted while the MNOs still answer), then the MNOs.
    stop: async () => {
      await opsConsole.stop();
      await outside.stop();
      await region.stop();
      await world.stop();
    },
  };
};

export const dataDirFromEnv = () => resolve(process.env.SWITCHBOARD_DATA_DIR ?? '.switchboard');
