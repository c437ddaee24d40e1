import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_CLIENT_OPTIONS } from '../adapters/dynamodb/client-options.ts';
import { simStream } from '../application/stream-ids.ts';
import { readEnvironment } from '../manifest/environment.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { eid } from '../test/support/ids.ts';
import { httpClient } from './command-http.ts';
import { streamItems } from './floor.ts';
import { forwarderThroughput, type ForwarderThroughput } from './forwarder-throughput.ts';
import { projectionLag, type ProjectionLag } from './projection-lag.ts';
import { rebuildSpeed, type RebuildSpeed } from './rebuild-speed.ts';
import { figure, type Figure } from './report.ts';
import type { SimMnos } from './sim-fleet.ts';

/** SIM numbers of the lag phase: far above the command figures' seeded SIMs. */
const LAG_FIRST = 5_000_000;
/** Stream numbers of the forwarder's synthetic records (never written to the event store). */
const FORWARDER_FIRST = 6_000_000;

export interface ReadSideOptions {
  lagSamples: number;
  forwarderBatches: number;
  forwarderRounds: number;
  rebuildRuns: number;
}

/**
 * The read side of `npm run bench`, after the cascades on the same runtime, stream handlers
 * running: projection lag, forwarder throughput, rebuild speed (issue 4's Benchmark section).
 */
export const readSideFigures = async (runtime: Runtime, fleet: { tenant: string; token: string; mnos: SimMnos }, o: ReadSideOptions, log: (m: string) => void) => {
  const dynamodb = new DynamoDBClient(DYNAMODB_CLIENT_OPTIONS); // as the handlers' (functions/lambda/wiring.ts): endpoint, region, keys from the environment
  const events = readEnvironment().EVENTS_TABLE;
  const client = httpClient(runtime.url, 2);
  try {
    // Let what the cascades left in flight (bus deliveries, webhook attempts) finish first.
    await runtime.bus.idle();
    await runtime.webhooks.idle();
    log(`projection lag: ${o.lagSamples} SIM registrations, one at a time`);
    const lag = await projectionLag(dynamodb, readEnvironment().READ_MODELS_TABLE, client, fleet.token, fleet.tenant, fleet.mnos, { samples: o.lagSamples, warmup: 5, first: LAG_FIRST }, log);

    const template = (await streamItems(dynamodb, events, simStream(fleet.tenant, eid(LAG_FIRST)))).find((item) => item.v?.N === '1');
    if (!template) throw new Error('forwarder: no SimRegistered commit to copy');
    log(`forwarder throughput: ${o.forwarderBatches} batches of 100 records per run, ${o.forwarderRounds} rounds`);
    const forwarder = await forwarderThroughput(runtime, template, { batches: o.forwarderBatches, rounds: o.forwarderRounds, first: FORWARDER_FIRST }, log);

    await runtime.bus.idle();
    log(`rebuild speed: ${o.rebuildRuns} rebuilds of the read models from the event store as the bench left it, into scratch tables`);
    const rebuild = await rebuildSpeed(dynamodb, events, o.rebuildRuns, log);

    const { pollIntervalMs: poll, getItem } = lag;
    const figures: Figure[] = [
      figure('projection lag p50 (201 → row in the read model)', 'ms', lag.lag.p50Ms, 0.5 * poll + getItem.p50Ms),
      figure('projection lag p99', 'ms', lag.lag.p99Ms, 0.99 * poll + getItem.p50Ms),
      figure('forwarder throughput (100-record batches, 1-event commits)', 'events/s', forwarder.eventsPerSec, forwarder.floorEventsPerSec),
      figure('read-model rebuild', 'events/s', rebuild.eventsPerSec, rebuild.floorEventsPerSec),
      figure('read-model rebuild', 'commits/s', rebuild.commitsPerSec, rebuild.floorCommitsPerSec),
    ];
    return { figures, lag, forwarder, rebuild };
  } finally {
    client.close();
    dynamodb.destroy();
  }
};

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** What the table cannot say: what each floor is, and where the time went. */
export const printReadSideNotes = (lag: ProjectionLag, forwarder: ForwarderThroughput, rebuild: RebuildSpeed) => {
  console.log();
  console.log(
    `projection lag: ${lag.samples} SIMs registered over HTTP one at a time (after a random pause of up to ${lag.pollIntervalMs} ms each), ` +
      `row read with a consistent GetItem every ~${lag.observeEveryMs} ms (${lag.readsPerSample.toFixed(1)} reads per sample); timed from the 201 to the read that found the row: ` +
      `p50 ${ms(lag.lag.p50Ms)}, p99 ${ms(lag.lag.p99Ms)}, mean ${ms(lag.lag.meanMs)}, max ${ms(lag.lag.maxMs)}; from sending the command p50 ${ms(lag.lagFromSend.p50Ms)}, p99 ${ms(lag.lagFromSend.p99Ms)} ` +
      `(the register command itself p50 ${ms(lag.command.p50Ms)}). Floor: the local stream poller sleeps ${lag.pollIntervalMs} ms between polls by design, so an append made ` +
      `at a random moment waits for the next GetRecords uniformly over that interval (p50 ${0.5 * lag.pollIntervalMs} ms, p99 ${0.99 * lag.pollIntervalMs} ms), ` +
      `plus the observer's own consistent GetItem (p50 ${ms(lag.getItem.p50Ms)}, p99 ${ms(lag.getItem.p99Ms)}); everything above that — the poll's own duration, GetRecords, ` +
      `the projector's GetItem + conditional PutItem, the observer's ≤ ${lag.observeEveryMs} ms sleep — is the ratio. It is the local runtime's floor, not AWS's: ` +
      `Lambda's event source mapping polls each shard 4 times a second (its documented base rate).`,
  );
  console.log(
    `forwarder: ${forwarder.batches} batches × ${forwarder.recordsPerBatch} stream records (copies of a real one-event SimRegistered commit, each on its own stream) per run, ` +
      `the handler called in this process as the poller calls it, batches one after another; floor: the same entries, ${forwarder.entriesPerCall} per PutEvents call, ` +
      `from a bare EventBridgeClient to the same local endpoint. Medians of ${forwarder.rounds} alternating runs: CPU per event ${Math.round(forwarder.cpuUsPerEvent)} µs ` +
      `(floor ${Math.round(forwarder.floorCpuUsPerEvent)} µs, client and bus endpoint both in this process); after the last call answered, the bus took ` +
      `${Math.round(forwarder.drainMs)} ms (floor runs ${Math.round(forwarder.floorDrainMs)} ms) more to route the run's events to the webhooks target (one Query of ` +
      `the tenant's subscriptions each) and the archive, not timed, waited for between runs.`,
  );
  console.log(
    `rebuild: ${rebuild.commits} commits (${rebuild.events} events) → ${rebuild.rows} read-model rows, into an empty scratch table; median ${rebuild.seconds.toFixed(2)} s ` +
      `over ${rebuild.runs} runs (${rebuild.runsDetail.map((r) => `scan ${r.rebuild.scanSeconds.toFixed(2)} s + write ${r.rebuild.writeSeconds.toFixed(2)} s`).join('; ')}). ` +
      `Floor: the same ${rebuild.segments}-segment Scan of the event store (same attributes) then the same rows put with bare PutItems, ${rebuild.writers} in flight, ` +
      `into another empty table: median ${rebuild.floorSeconds.toFixed(2)} s (${rebuild.runsDetail.map((r) => `scan ${r.floor.scanSeconds.toFixed(2)} s + write ${r.floor.writeSeconds.toFixed(2)} s`).join('; ')}).`,
  );
};
