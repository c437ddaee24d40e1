import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fileSigner } from '../../adapters/signing/file-signer.ts';
import type { EventStore } from '../../domain/event-store.ts';
import type { Variable } from '../../manifest/environment.ts';
import { readEnvironment } from '../../manifest/environment.ts';
import { startDeviceFleet, type DeviceProfile } from './devices/fleet.ts';
import { addDevicesForKnownSims } from './devices/known-sims.ts';
import type { EventFeed } from './event-bus/bus.ts';
import { startNetworkTraffic } from './signals/network.ts';
import { DEFAULT_SIMULATED_MNOS, startSimulatedMnos, type SimulatedMno } from './simulated-mnos.ts';
import { startSimulatedSmdp } from './smdp/server.ts';

/**
 * What lies outside Switchboard on this machine, and what it shares with it: the MNOs' CMPs and
 * SM-DP+s, the devices, their network traffic; the keys and credentials both sides hold (in AWS,
 * replicated secrets). One runtime starts it beside its region; `--regions 2` starts it once for both.
 */

/** The files the regions share: MNO credentials, activation codes, the eIM's and EUM's keys, webhook secrets. */
const sharedFiles = (dir: string) => ({
  credentials: resolve(dir, 'mno-credentials.json'),
  activationCodes: resolve(dir, 'activation-codes'),
  eimKey: resolve(dir, 'eim-key.json'),
  eumKey: resolve(dir, 'eum-key.json'),
  webhookSecrets: resolve(dir, 'webhook-secrets'),
});

/** The variables naming those files for the handlers; the keys are made on first use (0600). */
export const sharedVariables = async (dir: string): Promise<Partial<Record<Variable, string>>> => {
  const files = sharedFiles(dir);
  const eum = await fileSigner(files.eumKey, 'local-eum').publicJwk();
  await fileSigner(files.eimKey, 'eim').publicJwk();
  return {
    MNO_CREDENTIALS_FILE: files.credentials,
    ACTIVATION_CODES_DIR: files.activationCodes,
    EIM_KEY_FILE: files.eimKey,
    EUM_PUBLIC_KEYS: JSON.stringify([eum]),
    WEBHOOK_SECRETS_DIR: files.webhookSecrets,
  };
};

/**
 * The MNOs' CMPs on the ports they had before (`mno-ports.json` in `dataDir`), holding what they
 * held (`mno-state/`, unless in memory), registered and verified in the event store, each with its
 * SM-DP+; their credentials written to the shared folder.
 */
export const startWorld = async (options: { store: EventStore; dataDir: string; sharedDir: string; specs?: readonly SimulatedMno[] | undefined; inMemory?: boolean | undefined; log: (message: string) => void }) => {
  const specs = options.specs ?? DEFAULT_SIMULATED_MNOS;
  const smdp = await startSimulatedSmdp(options.log);
  try {
    const mnos = await startSimulatedMnos(options.store, specs, sharedFiles(options.sharedDir).credentials, {
      portsFile: resolve(options.dataDir, 'mno-ports.json'),
      stateDir: options.inMemory ? undefined : resolve(options.dataDir, 'mno-state'),
      log: options.log,
      smdp,
    });
    return {
      specs,
      smdp,
      simulators: mnos.simulators,
      signalKeys: mnos.signalKeys,
      stop: async () => {
        await mnos.stop();
        await smdp.stop();
      },
    };
  } catch (error) {
    await smdp.stop();
    throw error;
  }
};

type World = Awaited<ReturnType<typeof startWorld>>;

/**
 * Once Switchboard serves at `api`: one simulated device per SIM registered (polling the eIM), and
 * each MNO's traffic in its style's shape. Which SIMs there are they learn from `feed` (the bus's
 * events), and those registered before from the read models once they have caught up.
 */
export const startDevicesAndTraffic = async (
  world: World,
  options: {
    api: string;
    feed: EventFeed;
    store: EventStore;
    dynamodb: DynamoDBClient;
    readModelsTable: string;
    sharedDir: string;
    /** Where the devices keep their keys and eUICCs (none: in memory). */
    devicesDir: string | undefined;
    /** The signals bucket's folder, where MNOs that deliver files drop them. */
    filesDir: string;
    caughtUp: Promise<unknown>;
    devices?: boolean | undefined;
    devicePollMs?: number | undefined;
    traffic?: false | { tickMs?: number | undefined } | undefined;
    log: (message: string) => void;
  },
) => {
  const { log } = options;
  world.smdp.notifyTo(options.api);
  const files = sharedFiles(options.sharedDir);
  const devices = await startDeviceFleet({
    api: options.api,
    eimId: readEnvironment().EIM_ID,
    eimPublicJwk: await fileSigner(files.eimKey, 'eim').publicJwk(),
    eum: fileSigner(files.eumKey, 'local-eum'),
    attaches: (mno) => world.simulators.get(mno)?.faults().outage !== true,
    dir: options.devicesDir,
    pollMs: options.devicePollMs,
    log,
  });
  const network =
    options.traffic === false
      ? undefined
      : startNetworkTraffic({ store: options.store, feed: options.feed, simulators: world.simulators, specs: world.specs, signalKeys: world.signalKeys, api: options.api, filesDir: options.filesDir, tickMs: options.traffic?.tickMs, log });
  const unsubscribe = options.feed.subscribe((event) => {
    if (options.devices === false || event['detail-type'] !== 'SimRegistered' || event['replay-name'] !== undefined) return;
    const { eid, profiles } = (event.detail as { data: { eid: string; profiles: DeviceProfile[] } }).data;
    void devices.add(eid, profiles).catch((error: Error) => log(`device ${eid}: ${error.message}`));
  });
  // Devices and traffic for the SIMs registered before (once the read models list every SIM).
  if (options.devices !== false)
    void options.caughtUp
      .then(() => addDevicesForKnownSims(options.dynamodb, options.readModelsTable, options.store, devices))
      .then((added) => added > 0 && log(`devices made for ${added} SIMs registered before`))
      .catch((error: Error) => log(`devices for known SIMs: ${error.message}`));
  if (network)
    void options.caughtUp.then(() => network.addKnownSims(options.dynamodb, options.readModelsTable)).catch((error: Error) => log(`traffic for known SIMs: ${error.message}`));
  return {
    devices,
    traffic: network?.traffic ?? new Map(),
    stop: async () => {
      unsubscribe();
      await devices.stop();
    },
  };
};
