import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { signCdr } from '../../../adapters/signals/cdr-signature.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { SIGNAL_CONSUMER_ID, SIGNAL_ENTRY_POINTS, SIGNAL_FILES_ID } from '../../../manifest/entry-points.ts';
import { knownSims } from '../devices/known-sims.ts';
import { invoke } from '../entry-points.ts';
import type { EventFeed } from '../event-bus/bus.ts';
import type { MnoSimulator } from '../mno-simulators/index.ts';
import { cdrDeliverer } from '../mno-simulators/traffic-cdr.ts';
import { pullStore } from '../mno-simulators/traffic-pull.ts';
import { pushDeliverer } from '../mno-simulators/traffic-push.ts';
import { startTraffic, type TrafficGenerator } from '../mno-simulators/traffic.ts';
import { SIGNAL_DELIVERY, type SimulatedMno } from '../simulated-mnos.ts';
import { startLocalQueues } from '../sqs/index.ts';
import { watchCdrFolder } from './cdr-folder.ts';
import { trafficSims } from './traffic-sims.ts';

const entry = (id: string) => SIGNAL_ENTRY_POINTS.find((e) => e.id === id)!;

/**
 * The signals queue as SQS and its event source mapping would run it (ten at a time, failures
 * retried, then set aside), and the signals bucket as a folder (`<mno id>/<file>.csv`, as S3 keys
 * would be). Sets the variables the handlers read (`AWS_ENDPOINT_URL_SQS`, SIGNALS_QUEUE_URL,
 * SIGNAL_FILES_DIR).
 */
export const startSignalQueue = async (options: { journalFile?: string | undefined; deadLetterFile: string; filesDir: string; log: (message: string) => void }) => {
  const consumer = entry(SIGNAL_CONSUMER_ID);
  const queues = await startLocalQueues({
    queues: [{ name: 'switchboard-signals', consumer: async (event) => (await invoke(consumer, event)) as never, timeoutMs: consumer.timeoutSeconds * 1000, journalFile: options.journalFile, deadLetterFile: options.deadLetterFile }],
    log: options.log,
  });
  mkdirSync(options.filesDir, { recursive: true, mode: 0o700 });
  Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: queues.endpoint, SIGNALS_QUEUE_URL: queues.queueUrl('switchboard-signals'), SIGNAL_FILES_DIR: options.filesDir });
  return queues;
};

/**
 * The signals bucket's object-created notifications, locally: the folder of each MNO that delivers
 * CDR files (`<filesDir>/<mno id>/`) watched, and each file handed to the file reader as S3 would
 * notify it. Part of a region (its bucket), not of the MNOs that write there.
 */
export const watchSignalBucket = (options: { filesDir: string; mnoIds: readonly string[]; log: (message: string) => void }) => {
  const watchers = options.mnoIds.map((mnoId) =>
    watchCdrFolder({
      dir: join(options.filesDir, mnoId),
      log: options.log,
      onFile: async (f) => {
        const event = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'local-signals' }, object: { key: `${mnoId}/${f.name}`, size: f.size, eTag: `${f.size}-${f.name}` } } }] };
        await invoke(entry(SIGNAL_FILES_ID), event);
      },
    }),
  );
  return {
    scanNow: () => Promise.all(watchers.map((w) => w.scanNow())).then(() => undefined),
    stop: () => Promise.all(watchers.map((w) => w.stop())).then(() => undefined),
  };
};

/** The MNOs that deliver CDR files (their folders in the signals bucket are watched). */
export const fileDeliveringMnos = (specs: readonly SimulatedMno[]) => specs.filter((m) => SIGNAL_DELIVERY[m.style] === 'files').map((m) => m.id);

/**
 * Each simulated MNO's network traffic for the SIMs it holds active, delivered as its style's CMPs
 * would: REST ones push signed batches to the ingestion route at `api`, job-style ones keep them for
 * Switchboard's poll, legacy ones drop signed CDR files in the signals bucket's folder (`filesDir`).
 * Which SIMs are where it learns from `feed` (the bus's events). The generators stop with their
 * simulators.
 */
export const startNetworkTraffic = (options: {
  store: EventStore;
  feed: EventFeed;
  simulators: ReadonlyMap<string, MnoSimulator>;
  specs: readonly SimulatedMno[];
  signalKeys: ReadonlyMap<string, string>;
  api: string;
  filesDir: string;
  tickMs?: number | undefined;
  log: (message: string) => void;
}) => {
  const traffic = new Map<string, TrafficGenerator>();
  const sims = trafficSims(options.store, options.log);
  options.feed.subscribe((event) => sims.observe(event));
  for (const simulator of options.simulators.values()) {
    const spec = options.specs.find((m) => m.id === simulator.id)!;
    const key = options.signalKeys.get(simulator.id)!;
    let deliver = pushDeliverer({ url: `${options.api}/v1/signals/${simulator.id}`, key });
    if (SIGNAL_DELIVERY[simulator.style] === 'pull') {
      const kept = pullStore();
      simulator.attachPull(kept);
      deliver = kept.deliver;
    } else if (SIGNAL_DELIVERY[simulator.style] === 'files')
      deliver = cdrDeliverer({ dir: join(options.filesDir, simulator.id), mnoId: simulator.id, sign: (name, text) => signCdr(key, `${simulator.id}/${name}`, text) });
    const generator = startTraffic({
      mnoId: simulator.id,
      homePlmn: spec.plmns[0]!,
      country: spec.countries[0]!,
      sims: () => sims.on(simulator.id),
      simStatus: (iccid) => simulator.simStatus(iccid),
      deliver,
      tickMs: options.tickMs,
    });
    simulator.attachTraffic(generator);
    traffic.set(simulator.id, generator);
  }
  return {
    traffic,
    /** The SIMs registered before this run (once the read models list every SIM). */
    addKnownSims: async (client: DynamoDBClient, readModelsTable: string) => {
      for await (const { tenant, sim } of knownSims(client, readModelsTable, options.store)) sims.add(tenant, sim.profiles, sim.imei);
    },
  };
};
