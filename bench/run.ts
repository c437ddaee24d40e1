/**
 * `npm run bench`: the SIM command (suspend/resume) through the real Lambda handler in-process and
 * over the local HTTP gateway, each beside its floor — the bare SDK v3 Query + conditional PutItem
 * a command costs — all against one in-memory DynamoDB Local started here. Rounds interleave the
 * kinds (ABC, CBA, …) so machine noise hits all alike; each figure is the median across rounds.
 * BENCH_N (default 2000) = sequential floor and in-process calls in all; HTTP and each
 * concurrency-8 phase get BENCH_N/2. BENCH_ROUNDS (default 5). BENCH_CPU_PROFILE=<dir>: after the
 * rounds, one more sequential round of each kind under the CPU profiler, and after the cascade
 * repetitions one more clean cascade, written to <dir> (the figures are from the runs before them,
 * unprofiled).
 * Stream handlers discard records during the command figures (runtime.streams), then resume for the cascades.
 * Then the cascade figures (cascades.ts) on the same runtime: BENCH_CASCADE_REPS (default 5)
 * cascades to 20 MNOs per condition, BENCH_BURST_ROUNDS (default 3) bursts of 20 publishes.
 * Then the read side (read-side.ts), stream handlers still running: projection lag over
 * BENCH_LAG_SAMPLES (default 100) SIM registrations, forwarder throughput over
 * BENCH_FORWARDER_BATCHES (default 20) batches of 100 records × BENCH_FORWARDER_ROUNDS (default 5),
 * BENCH_REBUILD_RUNS (default 3) rebuilds of the read models into scratch tables.
 * Before all that, the bundle figures (bundles.ts, issue 5): every function bundled as CDK does,
 * its size and module init time (median of BENCH_BUNDLE_RUNS, default 5, imports each in a fresh
 * Node process), beside an empty handler's.
 *
 * Sections: `npm run bench` runs all; `npm run bench -- bundles` (or `-- runtime`: the command,
 * cascade and read-side figures, which share one local runtime) runs only those named. A full run
 * writes results/latest.json; a partial one results/<sections>.json, leaving latest.json whole.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_CLIENT_OPTIONS } from '../adapters/dynamodb/client-options.ts';
import { simStream } from '../application/stream-ids.ts';
import { readEnvironment } from '../manifest/environment.ts';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import { httpClient, httpCommand } from './command-http.ts';
import { inProcessCaller, inProcessCommand } from './command-in-process.ts';
import { figuresOf, type Kind, type Round } from './figures.ts';
import { floorCommand, seedFloorStreams, streamItems } from './floor.ts';
import { concurrent, sequential, type Op } from './measure.ts';
import { profiled } from './cpu-profile.ts';
import { benchMnos } from './cascade-fleet.ts';
import { CASCADE_ENGINE_OVERRIDES, cascadeFigures, printCascadeNotes } from './cascades.ts';
import { printReadSideNotes, readSideFigures } from './read-side.ts';
import { ROOT } from '../infra/cdk/handlers.ts';
import { handlerEsbuildOptions } from '../infra/cdk/bundling.ts';
import { bundleFigures, INIT_ENV, printBundleNotes } from './bundles.ts';
import { fallbackFigures } from './fallback.ts';
import { signalFigures } from './signals.ts';
import { regionFigures } from './regions.ts';
import { machine, printTable, writeResults, type Aim, type Figure } from './report.ts';
import { onboardTenant, seedSims } from './sim-fleet.ts';
import { SEED_COMMITS, StreamPool, USES_PER_STREAM, streamsNeeded } from './stream-pool.ts';

const intEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const N = intEnv('BENCH_N', 2000);
const ROUNDS = intEnv('BENCH_ROUNDS', 5);
const CASCADES = { reps: intEnv('BENCH_CASCADE_REPS', 5), tenants: 20, perTenant: 5, rounds: intEnv('BENCH_BURST_ROUNDS', 3) };
const READ_SIDE = {
  lagSamples: intEnv('BENCH_LAG_SAMPLES', 100),
  forwarderBatches: intEnv('BENCH_FORWARDER_BATCHES', 20),
  forwarderRounds: intEnv('BENCH_FORWARDER_ROUNDS', 5),
  rebuildRuns: intEnv('BENCH_REBUILD_RUNS', 3),
};
const BUNDLE_RUNS = intEnv('BENCH_BUNDLE_RUNS', 5);
const MNOS = benchMnos();
const SIM_MNOS = [MNOS[0]!.id, MNOS[1]!.id] as const;
const CONCURRENCY = 8;
const TENANT = 'bench-fleet';
const perRound: Record<Kind, { sequential: number; concurrent: number }> = {
  floor: { sequential: Math.ceil(N / ROUNDS), concurrent: Math.ceil(N / 2 / ROUNDS) },
  inProcess: { sequential: Math.ceil(N / ROUNDS), concurrent: Math.ceil(N / 2 / ROUNDS) },
  http: { sequential: Math.ceil(N / 2 / ROUNDS), concurrent: Math.ceil(N / 2 / ROUNDS) },
};
const warmup = (kind: Kind) => Math.max(20, Math.ceil(perRound[kind].sequential / 2));
/** Streams a kind uses: warm-up and rounds, one sequential cursor, CONCURRENCY cursors per concurrent phase. */
const streamsFor = (kind: Kind) =>
  streamsNeeded(
    (ROUNDS + 1) * (perRound[kind].sequential + perRound[kind].concurrent) + warmup(kind),
    1 + (ROUNDS + 1) * CONCURRENCY,
  );
const log = (message: string) => console.error(`bench: ${message}`);

/** One DynamoDB Local and one local runtime (the bench MNOs, the cascade engine overrides) for `body`, stopped after it, or on Ctrl-C. */
const withRuntime = async <T>(body: (runtime: Runtime) => Promise<T>): Promise<T> => {
  const dynamo = await startDynamoDbLocal();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  let runtime: Runtime | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await runtime?.stop().catch(() => undefined);
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    })());
  const onSignal = () => void stop().then(() => process.exit(130));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  try {
    runtime = await startRuntime({ port: 0, dataDir, dynamodbEndpoint: dynamo.endpoint, mnos: MNOS, stepFunctions: CASCADE_ENGINE_OVERRIDES });
    return await body(runtime);
  } finally {
    await stop();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  }
};

/** The cascade figures alone, on a runtime of their own (`npm run bench -- cascades`: what a change to the workflow is measured by). */
const cascadeSection = () =>
  withRuntime(async (runtime) => {
    const cascades = await cascadeFigures(runtime, MNOS, CASCADES, log);
    return {
      figures: cascades.figures,
      aims: cascades.aims,
      config: { cascades: { ...CASCADES, engineOverrides: CASCADE_ENGINE_OVERRIDES } },
      results: { cascades: { single: cascades.single, burst: cascades.burst } },
      print: () => printCascadeNotes(MNOS, cascades.single, cascades.burst),
    };
  });

/** The command, cascade and read-side figures: one DynamoDB Local, one local runtime, in that order. */
const runtimeSection = () =>
  withRuntime(async (runtime) => {
    // The bench MNOs and the engine overrides serve the cascade figures; the command phase only names two MNOs in its SIMs' profiles.
    const table = readEnvironment().EVENTS_TABLE;
    const dynamodb = new DynamoDBClient(DYNAMODB_CLIENT_OPTIONS); // as the handlers' (functions/lambda/wiring.ts): endpoint, region, keys from the environment
    // The stream handlers (publishing, SIM cascades) would share the 2 cores with the commands measured: drop their records meanwhile.
    runtime.streams.discard();
    log('stream handlers discard records during the command figures (no publishing, no sim-state cascades beside them)');
    const http = httpClient(runtime.url, CONCURRENCY * 2);
    const token = await onboardTenant(runtime, http, TENANT, SIM_MNOS);
    const call = await inProcessCaller(token, new URL(runtime.url).host);

    const counts = { floor: streamsFor('floor'), inProcess: streamsFor('inProcess'), http: streamsFor('http') };
    log(`seeding ${counts.inProcess + counts.http + 1} SIMs over HTTP + in-process, ${counts.floor} floor streams (${SEED_COMMITS} commits each)`);
    const [templateEid] = await seedSims(http, token, call, SIM_MNOS, 1, 1);
    const inProcessEids = await seedSims(http, token, call, SIM_MNOS, 2, counts.inProcess);
    const httpEids = await seedSims(http, token, call, SIM_MNOS, 2 + counts.inProcess, counts.http);
    const template = await streamItems(dynamodb, table, simStream(TENANT, templateEid!));
    const suspendCommit = template.find((item) => item.v?.N === '3')!; // a one-event SimSuspended commit
    const floorPks = await seedFloorStreams(dynamodb, table, template, 1, counts.floor);
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s since start`);

    const kinds: Record<Kind, { pool: StreamPool<string>; run: (stream: string, use: number) => Promise<void> }> = {
      floor: { pool: new StreamPool('floor', floorPks), run: floorCommand(dynamodb, table, suspendCommit) },
      inProcess: { pool: new StreamPool('in-process', inProcessEids), run: inProcessCommand(call) },
      http: { pool: new StreamPool('http', httpEids), run: httpCommand(http, token) },
    };
    const cursors = Object.fromEntries(Object.entries(kinds).map(([k, { pool, run }]) => [k, pool.cursor(run)])) as Record<Kind, Op>;
    const order: Kind[] = ['floor', 'inProcess', 'http'];

    log('warming up');
    for (const kind of order) {
      await sequential(cursors[kind], warmup(kind));
      await concurrent(() => kinds[kind].pool.cursor(kinds[kind].run), perRound[kind].concurrent, CONCURRENCY);
    }
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const sequence = r % 2 === 0 ? order : [...order].reverse();
      const round: Partial<Record<Kind, Round[Kind]>> = {};
      for (const kind of sequence) {
        const seq = await sequential(cursors[kind], perRound[kind].sequential);
        const conc = await concurrent(() => kinds[kind].pool.cursor(kinds[kind].run), perRound[kind].concurrent, CONCURRENCY);
        round[kind] = { sequential: seq, concurrent: conc };
      }
      rounds.push(round as Round);
      log(`round ${r + 1}/${ROUNDS}: p50 floor ${round.floor!.sequential.p50Ms.toFixed(2)} ms, in-process ${round.inProcess!.sequential.p50Ms.toFixed(2)} ms, HTTP ${round.http!.sequential.p50Ms.toFixed(2)} ms`);
    }
    const profileDir = process.env.BENCH_CPU_PROFILE;
    if (profileDir) for (const kind of order) log(`profiled: ${await profiled(profileDir, `command-${kind}`, () => sequential(cursors[kind], perRound[kind].sequential))}`);
    http.close();
    dynamodb.destroy();

    const simCascades = [...runtime.cascades.engine.executions.values()].filter((e) => e.name.startsWith('sim-')).length;
    if (simCascades > 0) log(`warning: ${simCascades} sim-state cascades ran beside the command figures`);
    log('cascades (after the command figures, on the same runtime)');
    runtime.streams.resume(); // cascades start from the event stream (forwarder → bus → rule)
    const cascades = await cascadeFigures(runtime, MNOS, CASCADES, log);
    log('read side (after the cascades, on the same runtime, stream handlers running)');
    const readSide = await readSideFigures(runtime, { tenant: TENANT, token, mnos: SIM_MNOS }, READ_SIDE, log);
    const { figures, aims } = figuresOf(rounds);
    figures.push(...cascades.figures, ...readSide.figures);
    aims.push(...cascades.aims);
    const config = {
      n: N,
      rounds: ROUNDS,
      perRound,
      concurrency: CONCURRENCY,
      seedCommits: SEED_COMMITS,
      usesPerStream: USES_PER_STREAM,
      streams: counts,
      cascades: { ...CASCADES, engineOverrides: CASCADE_ENGINE_OVERRIDES },
      readSide: READ_SIDE,
    };
    return {
      figures,
      aims,
      config,
      results: {
        rounds,
        cascades: { single: cascades.single, burst: cascades.burst },
        readSide: { projectionLag: readSide.lag, forwarder: readSide.forwarder, rebuild: readSide.rebuild },
      },
      print: () => {
        printCascadeNotes(MNOS, cascades.single, cascades.burst);
        printReadSideNotes(readSide.lag, readSide.forwarder, readSide.rebuild);
      },
    };
  });

const SECTIONS = {
  bundles: 'bundle size and module init time per function (bundles.ts)',
  runtime: 'command, cascade and read-side figures on one local runtime',
  cascades: 'the cascade figures alone, on a runtime of their own (part of runtime: not run again when both are named)',
  fallback: 'automatic fallback of a fleet beside the same switches made directly (fallback.ts), on a runtime of its own',
  signals: 'network signals: push ingestion beside the same counter updates, detect-to-contain beside the suspend command (signals.ts), on a runtime of its own',
  regions: 'two regions: the chaos run in strong and eventual consistency, RTO through the front, replication lag, writes refused and lost (regions.ts)',
} as const;
type Section = keyof typeof SECTIONS;
const names = Object.keys(SECTIONS) as Section[];
const args = process.argv.slice(2);
const unknown = args.filter((a) => !Object.hasOwn(SECTIONS, a));
if (unknown.length > 0) {
  console.error(`bench: unknown section ${unknown.join(', ')}; sections (none named: all):\n${names.map((n) => `  ${n}: ${SECTIONS[n]}`).join('\n')}`);
  process.exit(2);
}
const selected = args.length === 0 ? names.filter((n) => n !== 'cascades') : names.filter((n) => args.includes(n));

const started = Date.now();
const figures: Figure[] = [];
const aims: Aim[] = [];
const notes: (() => void)[] = [];
const config: Record<string, unknown> = {};
const results: Record<string, unknown> = {};
// The bundles first: their child processes are timed on a machine with nothing else of ours running.
if (selected.includes('bundles')) {
  const { figures: bundleFigs, aims: bundleAims, bundles } = await bundleFigures({ runs: BUNDLE_RUNS }, log);
  aims.push(...bundleAims);
  const { absWorkingDir: _, ...esbuild } = handlerEsbuildOptions(ROOT);
  config.bundles = { runs: BUNDLE_RUNS, esbuild, env: INIT_ENV };
  results.bundles = bundles;
  figures.push(...bundleFigs);
  notes.push(() => printBundleNotes(bundles));
}
// The runtime's figures (or the cascades' alone) first in the table: one local runtime, started for them.
const onRuntime = selected.includes('runtime') ? runtimeSection : selected.includes('cascades') ? cascadeSection : undefined;
if (onRuntime) {
  const section = await onRuntime();
  Object.assign(config, section.config);
  Object.assign(results, section.results);
  figures.unshift(...section.figures);
  aims.push(...section.aims);
  notes.unshift(section.print);
}
/**
 * A section with a runtime of its own, run in a child process once a runtime ran in this one: the
 * handlers' clients are made once per process, for the first runtime's DynamoDB Local (stopped
 * since). The child writes results/<section>.json and prints its own notes; its figures and aims
 * join this run's table.
 */
const inChild = async (section: Section) => {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), section], { stdio: 'inherit', env: process.env });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench: the ${section} section failed in its own process (exit ${code})`);
  const written = JSON.parse(readFileSync(fileURLToPath(new URL(`./results/${section}.json`, import.meta.url)), 'utf8')) as { config: Record<string, unknown>; figures: Figure[]; aims: Aim[] } & Record<string, unknown>;
  if (written.config[section] !== undefined) config[section] = written.config[section];
  results[section] = written[section];
  figures.push(...written.figures);
  aims.push(...written.aims);
};
const ranRuntime = onRuntime !== undefined;
if (selected.includes('signals') && ranRuntime) await inChild('signals');
else if (selected.includes('signals')) {
  const signals = await signalFigures({ sims: intEnv('BENCH_SIGNAL_SIMS', 500), batches: intEnv('BENCH_SIGNAL_BATCHES', 100), samples: intEnv('BENCH_CONTAIN_SAMPLES', 20) }, log);
  config.signals = { sims: signals.results.sims, batches: signals.results.batches };
  results.signals = signals.results;
  figures.push(...signals.figures);
  aims.push(...signals.aims);
}
if (selected.includes('regions')) {
  const regions = await regionFigures(log);
  results.regions = regions.results;
  figures.push(...regions.figures);
  aims.push(...regions.aims);
  notes.push(regions.print);
}
if (selected.includes('fallback') && (ranRuntime || selected.includes('signals'))) await inChild('fallback');
else if (selected.includes('fallback')) {
  const fallback = await fallbackFigures(intEnv('BENCH_FALLBACK_SIMS', 10_000), log);
  config.fallback = { sims: fallback.results.sims };
  results.fallback = fallback.results;
  figures.push(...fallback.figures);
  aims.push(...fallback.aims);
}
printTable(figures, aims);
for (const print of notes) print();
const file = fileURLToPath(new URL(`./results/${args.length === 0 ? 'latest' : selected.join('-')}.json`, import.meta.url));
writeResults(file, { machine: machine(), sections: selected, config, figures, aims, ...results, seconds: (Date.now() - started) / 1000 });
log(`wrote ${file} (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
