// Temporary profiling driver (issue 14 helper). Deleted when done.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { simStream } from '../application/stream-ids.ts';
import { readEnvironment } from '../manifest/environment.ts';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import { httpClient, httpCommand } from './command-http.ts';
import { inProcessCaller, inProcessCommand } from './command-in-process.ts';
import { floorCommand, seedFloorStreams, streamItems } from './floor.ts';
import { sequential, type Op } from './measure.ts';
import { benchMnos } from './cascade-fleet.ts';
import { CASCADE_ENGINE_OVERRIDES } from './cascades.ts';
import { onboardTenant, seedSims } from './sim-fleet.ts';
import { StreamPool, streamsNeeded } from './stream-pool.ts';

const OUT = '/work/tmp/helper-profile';
const N = { floor: Number(process.env.P_FLOOR ?? 2000), inProcess: Number(process.env.P_INPROC ?? 2000), http: Number(process.env.P_HTTP ?? 1000) };
const WARM = 300;
const PLAIN_REPS = Number(process.env.P_PLAIN ?? 1); // unprofiled measurement passes per kind
const INTERVAL = Number(process.env.P_INTERVAL ?? 100);
const TAG = process.env.P_TAG ?? 'run';
const MNOS = benchMnos();
const SIM_MNOS = [MNOS[0]!.id, MNOS[1]!.id] as const;
const log = (m: string) => console.error(`profile: ${m}`);

const dynamo = await startDynamoDbLocal();
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-helper-profile-'));
let runtime: Runtime | undefined;
const session = new Session();
session.connect();
try {
  runtime = await startRuntime({ port: 0, dataDir, dynamodbEndpoint: dynamo.endpoint, mnos: MNOS, stepFunctions: CASCADE_ENGINE_OVERRIDES });
  const table = readEnvironment().EVENTS_TABLE;
  const dynamodb = new DynamoDBClient({ maxAttempts: 3 });
  runtime.streams.discard();
  const http = httpClient(runtime.url, 16);
  const token = await onboardTenant(runtime, http, 'bench-fleet', SIM_MNOS);
  const call = await inProcessCaller(token, new URL(runtime.url).host);
  const need = (n: number) => streamsNeeded(WARM + n * ((process.env.P_NOPROF ? 0 : 1) + PLAIN_REPS) + (process.env.P_COUNT ? 500 : 0), 1);
  const counts = process.env.P_ROUNDS ? { floor: streamsNeeded(WARM + 400 * Number(process.env.P_ROUNDS), 1), inProcess: streamsNeeded(WARM + 400 * Number(process.env.P_ROUNDS), 1), http: streamsNeeded(WARM + 200 * Number(process.env.P_ROUNDS), 1) } : { floor: need(N.floor), inProcess: need(N.inProcess), http: need(N.http) };
  log(`seeding ${JSON.stringify(counts)}`);
  const [templateEid] = await seedSims(http, token, call, SIM_MNOS, 1, 1);
  const inProcessEids = await seedSims(http, token, call, SIM_MNOS, 2, counts.inProcess);
  const httpEids = await seedSims(http, token, call, SIM_MNOS, 2 + counts.inProcess, counts.http);
  const template = await streamItems(dynamodb, table, simStream('bench-fleet', templateEid!));
  const suspendCommit = template.find((item) => item.v?.N === '3')!;
  const floorPks = await seedFloorStreams(dynamodb, table, template, 1, counts.floor);
  const ops: Record<keyof typeof N, Op> = {
    floor: new StreamPool('floor', floorPks).cursor(floorCommand(dynamodb, table, suspendCommit)),
    inProcess: new StreamPool('in-process', inProcessEids).cursor(inProcessCommand(call)),
    http: new StreamPool('http', httpEids).cursor(httpCommand(http, token)),
  };
  if (process.env.P_ROUNDS) {
    const R = Number(process.env.P_ROUNDS);
    const per = { floor: 400, inProcess: 400, http: 200 };
    for (const kind of ['floor', 'inProcess', 'http'] as const) await sequential(ops[kind], WARM);
    const got: Record<string, { p50: number; cpu: number }[]> = { floor: [], inProcess: [], http: [] };
    for (let r = 0; r < R; r++) {
      const order = r % 2 === 0 ? (['floor', 'inProcess', 'http'] as const) : (['http', 'inProcess', 'floor'] as const);
      for (const kind of order) { const x = await sequential(ops[kind], per[kind]); got[kind]!.push({ p50: x.p50Ms, cpu: x.cpuUsPerOp }); }
    }
    const med = (a: number[]) => { const b = [...a].sort((x, y) => x - y); return b[Math.floor(b.length / 2)]!; };
    const out = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, { p50: +med(v.map((x) => x.p50)).toFixed(3), cpuUs: +med(v.map((x) => x.cpu)).toFixed(0), cpuAll: v.map((x) => Math.round(x.cpu)) }]));
    log(`rounds: ${JSON.stringify(out)}`);
    writeFileSync(join(OUT, `${TAG}-rounds.json`), JSON.stringify(out, null, 2));
    throw new Error('done (rounds mode)');
  }
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: INTERVAL });
  const summary: Record<string, unknown> = {};
  for (const kind of ['floor', 'inProcess', 'http'] as const) {
    await sequential(ops[kind], WARM);
    const plain = [];
    for (let r = 0; r < PLAIN_REPS; r++) plain.push(await sequential(ops[kind], N[kind]));
    let prof = { p50Ms: 0, cpuUsPerOp: 0 };
    if (!process.env.P_NOPROF) {
      await session.post('Profiler.start');
      prof = await sequential(ops[kind], N[kind]);
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(OUT, `${TAG}-${kind}.cpuprofile`), JSON.stringify(profile));
    }
    let counts: Record<string, number> | undefined;
    if (process.env.P_COUNT) {
      const { createHook } = await import('node:async_hooks');
      const c: Record<string, number> = {};
      const hook = createHook({ init(_id, type) { c[type] = (c[type] ?? 0) + 1; } });
      hook.enable();
      await sequential(ops[kind], 500);
      hook.disable();
      counts = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, +(v / 500).toFixed(1)]));
    }
    const row = { n: N[kind], plain: plain.map((p) => ({ p50: p.p50Ms, cpuUs: p.cpuUsPerOp })), profiled: { p50: prof.p50Ms, cpuUs: prof.cpuUsPerOp }, counts };
    summary[kind] = row;
    log(`${kind}: ${JSON.stringify(row)}`);
  }
  writeFileSync(join(OUT, `${TAG}-summary.json`), JSON.stringify(summary, null, 2));
  if (!process.env.P_NOPROF) {
  // Script sources (tsx output) of our modules seen in the profiles, to name anonymous frames by column.
  const ids = new Map<string, string>();
  for (const kind of ['floor', 'inProcess', 'http']) {
    const prof = JSON.parse((await import('node:fs')).readFileSync(join(OUT, `${TAG}-${kind}.cpuprofile`), 'utf8'));
    for (const n of prof.nodes) if (n.callFrame.url.startsWith('file:///work/main/') && !n.callFrame.url.includes('node_modules')) ids.set(n.callFrame.scriptId, n.callFrame.url);
  }
  await session.post('Debugger.enable');
  const sources: Record<string, { url: string; source: string }> = {};
  for (const [scriptId, url] of ids) sources[scriptId] = { url, source: (await session.post('Debugger.getScriptSource', { scriptId })).scriptSource };
  await session.post('Debugger.disable');
  writeFileSync(join(OUT, `${TAG}-sources.json`), JSON.stringify(sources));
  }
  http.close();
  dynamodb.destroy();
} finally {
  session.disconnect();
  await runtime?.stop().catch(() => undefined);
  await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
