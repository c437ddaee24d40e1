import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamoDbUsageCounters } from '../adapters/signals/dynamodb-usage-counters.ts';
import { signedHeaders, type PushRecord } from '../adapters/signals/push-format.ts';
import { signCdr } from '../adapters/signals/cdr-signature.ts';
import { writeCdr } from '../adapters/signals/cdr-write.ts';
import { entryPoint, POLL_SIGNALS_ID } from '../manifest/entry-points.ts';
import { invoke } from '../infra/local/entry-points.ts';
import { pullStore } from '../infra/local/mno-simulators/traffic-pull.ts';
import { identifierClaimStream, simStream } from '../application/stream-ids.ts';
import { GENESIS } from '../domain/event-store.ts';
import { stamped } from '../domain/events.ts';
import { identifierClaimDecider } from '../domain/identifier-claim/decider.ts';
import { simDecider } from '../domain/sim/decider.ts';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import { EVENT_RULES } from '../manifest/rules.ts';
import { eid, iccid, imei, imsi } from '../test/support/ids.ts';
import { signalKeyIn } from '../test/support/signal-keys.ts';
import { expectAnswer, httpClient } from './command-http.ts';
import { forEachConcurrently } from './measure.ts';
import { atLeast, atMost, figure, type Aim, type Figure } from './report.ts';
import { onboardTenant } from './sim-fleet.ts';
import { percentile } from './stats.ts';

/**
 * Network signals (issue 12), on a runtime of their own:
 * - **Ingestion through the push path**: BENCH_SIGNAL_BATCHES (default 100) batches of one usage
 *   record for each of BENCH_SIGNAL_SIMS (default 500) SIMs, signed and posted by the MNO two at a
 *   time, until the signal consumer has counted them all; beside a floor from the same run: the same
 *   counter updates (one UpdateItem per SIM and batch) written straight to DynamoDB, 8 at a time (the
 *   consumer's concurrency). Records per second.
 * - **Pull and files**: as many rounds (BENCH_SIGNAL_BATCHES / 10) of a usage record per SIM of
 *   their own (BENCH_SIGNAL_SIMS on each path's MNO) kept by a Control Center-shaped CMP and read by
 *   one poll each, or dropped as one signed CDR file each; beside the same counter updates.
 * - **Detect-to-contain**: BENCH_CONTAIN_SAMPLES (default 20) SIMs, each active at its MNO, whose
 *   device changes (a session with another IMEI, pushed by the MNO); the time from the push until
 *   the MNO's CMP holds the SIM suspended; beside the floor: the suspend command alone (POST
 *   …/suspend until the CMP holds it suspended), one SIM at a time.
 * The bus runs the rules the path needs (the SIM's cascade); traffic generators are off (the bench pushes).
 */
const north: SimulatedMno = { id: 'bench-signals', name: 'Bench Signals', style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
/** The pull path's CMP (Control Center's shape) and the file path's (CDR drops). */
const east: SimulatedMno = { id: 'bench-pull', name: 'Bench Pull', style: 'async-jobs', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
const west: SimulatedMno = { id: 'bench-files', name: 'Bench Files', style: 'legacy-ratelimited', plmns: ['262-91'], countries: ['DE'], capabilities: [], ratePerSecond: 100_000 };
const TENANT = 'bench-signals';
const POSTS_AT_ONCE = 2;
const UPDATES_AT_ONCE = 8;

export const signalFigures = async (options: { sims: number; batches: number; samples: number }, log: (message: string) => void) => {
  const dynamo = await startDynamoDbLocal();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-signals-'));
  let runtime: Runtime | undefined;
  try {
    const rules = EVENT_RULES.filter((r) => ['plan-sim-cascade', 'start-cascade'].includes(r.name));
    // Traffic generators on (a tick of an hour: none of their own), so that the pull and files MNOs serve and drop what the bench hands them.
    runtime = await startRuntime({ port: 0, dataDir, dynamodbEndpoint: dynamo.endpoint, mnos: [north, east, west], devices: false, traffic: { tickMs: 3_600_000 }, rules, log });
    const http = httpClient(runtime.url, 16);
    const user = await onboardTenant(runtime, http, TENANT, [north.id, east.id]);
    expectAnswer('choose MNOs', await http.send('PUT', '/v1/enterprise/mnos', await runtime.issuer.sign({ subject: 'bench-admin', tenant: TENANT, scopes: ['policies:write'] }), { mnos: [north.id, east.id, west.id] }), 200);
    const admin = await runtime.issuer.sign({ subject: 'bench-admin', tenant: TENANT, scopes: ['policies:write', 'sims:write', 'sims:read'] });
    expectAnswer('policy', await http.send('PUT', '/v1/policies/fleet', admin, { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } }), 200);
    expectAnswer('publish', await http.send('POST', '/v1/policies/fleet/publish', admin), 202);
    expectAnswer('settings', await http.send('PUT', '/v1/enterprise/settings', admin, { policyId: 'fleet' }), 200);
    const key = signalKeyIn(dataDir, north.id);
    const { adapters, dynamodb } = await import('../functions/lambda/wiring.ts');
    const store = adapters.eventStore;
    const env = (await import('../manifest/environment.ts')).readEnvironment();

    // The SIMs whose usage is counted: their ICCID's claim and their stream, written directly.
    const context = { actor: 'bench', correlationId: 'bench-seed', region: 'local' };
    const seedOn = async (mno: string, first: number) => {
      const made: string[] = [];
      await forEachConcurrently(Array.from({ length: options.sims }, (_, i) => first + i), 16, async (k) => {
        const [id, profile] = [eid(k), iccid(k)];
        const metadata = { ...context, commandId: `seed-${k}`, time: new Date().toISOString() };
        await store.append(identifierClaimStream('iccid', profile), GENESIS, stamped([{ type: 'IdentifierClaimed', data: { kind: 'iccid', holder: { tenant: TENANT, eid: id } } }], identifierClaimDecider.events), metadata);
        const profiles = [{ iccid: profile, mno, imsi: imsi(k), fallback: false, state: 'enabled' }];
        await store.append(simStream(TENANT, id), GENESIS, stamped([{ type: 'SimRegistered', data: { eid: id, profiles, imei: imei(k % 1e6) } }, { type: 'SimActivated', data: {} }], simDecider.events), metadata);
        made.push(profile);
      });
      return made;
    };
    const iccids = await seedOn(north.id, 4_000_000);
    const pulled = await seedOn(east.id, 6_000_000);
    const filed = await seedOn(west.id, 7_000_000);

    let batchNo = 0;
    const push = async (records: PushRecord[]) => {
      const body = JSON.stringify({ batchId: `bench-${++batchNo}`, records });
      const answer = await fetch(`${runtime!.url}/v1/signals/${north.id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(key, body, Date.now()) }, body });
      if (answer.status !== 202) throw new Error(`push: ${answer.status} ${await answer.text()}`);
    };
    const usageBatch = (day: string) => iccids.map((i): PushRecord => ({ type: 'usage', iccid: i, bytesUplink: 100, bytesDownlink: 900, timestamp: `2026-11-${day}T10:00:00.000Z` }));
    const ingest = async (day: string, batches: number) => {
      await forEachConcurrently(Array.from({ length: batches }, (_, i) => i), POSTS_AT_ONCE, () => push(usageBatch(day)));
      await runtime!.queues.idle();
    };
    const counters = dynamoDbUsageCounters(dynamodb, env.SIGNALS_TABLE);
    const floor = async (day: string, batches: number) => {
      for (let b = 0; b < batches; b++)
        await forEachConcurrently(iccids, UPDATES_AT_ONCE, async (i) => void (await counters.add({ tenant: TENANT, eid: i, mno: north.id, month: '2026-10', day, bytes: 1000, sms: 0 })));
    };
    log(`signals: ${options.sims} SIMs seeded; warm-up`);
    await ingest('01', 3);
    await floor('01', 3);
    const records = options.batches * options.sims;
    log(`signals: ingestion, ${options.batches} batches of ${options.sims} records`);
    const ingestStart = performance.now();
    await ingest('02', options.batches);
    const ingestMs = performance.now() - ingestStart;
    const floorStart = performance.now();
    await floor('02', options.batches);
    const floorMs = performance.now() - floorStart;
    const sample = await counters.read(TENANT, eid(4_000_000), '2026-11');
    if (sample?.days['02'] !== options.batches * 1000) throw new Error(`ingestion lost counts: ${JSON.stringify(sample?.days)}`);

    // The pull path: each round, a usage record per SIM kept by the CMP, then one poll (as the schedule runs it) until all is consumed.
    const rounds = Math.max(2, Math.round(options.batches / 10));
    // The bench's own store on the CMP, which it fills as the network would.
    const kept = pullStore();
    runtime.simulators.get(east.id)!.attachPull(kept);
    const poll = entryPoint(POLL_SIGNALS_ID);
    const pullRound = async () => {
      await kept.deliver(pulled.map((i): PushRecord => ({ type: 'usage', iccid: i, bytesUplink: 100, bytesDownlink: 900, timestamp: new Date().toISOString() })));
      await invoke(poll, {});
      await runtime!.queues.idle();
    };
    await pullRound();
    log(`signals: pull, ${rounds} polls of ${options.sims} devices`);
    const pullStart = performance.now();
    for (let r = 0; r < rounds; r++) await pullRound();
    const pullMs = performance.now() - pullStart;
    const pullFloorStart = performance.now();
    await floor('03', rounds);
    const pullFloorMs = performance.now() - pullFloorStart;

    // The file path: a signed CDR file of a usage record per SIM each, dropped and read as S3 would notify.
    const westKey = signalKeyIn(dataDir, west.id);
    let fileNo = 0;
    const dropFile = () => {
      const name = `bench-${++fileNo}.csv`;
      const text = writeCdr(filed.map((i): PushRecord => ({ type: 'usage', iccid: i, bytesUplink: 100, bytesDownlink: 900, timestamp: new Date().toISOString() })));
      writeFileSync(join(dataDir, 'signal-files', west.id, `${name}.sig`), signCdr(westKey, `${west.id}/${name}`, text), { mode: 0o600 });
      writeFileSync(join(dataDir, 'signal-files', west.id, name), text, { mode: 0o600 });
    };
    mkdirSync(join(dataDir, 'signal-files', west.id), { recursive: true, mode: 0o700 });
    dropFile();
    await runtime.signalFiles.scanNow();
    await runtime.queues.idle();
    log(`signals: files, ${rounds} files of ${options.sims} records`);
    const filesStart = performance.now();
    for (let f = 0; f < rounds; f++) dropFile();
    await runtime.signalFiles.scanNow();
    await runtime.queues.idle();
    const filesMs = performance.now() - filesStart;
    const filesFloorStart = performance.now();
    await floor('04', rounds);
    const filesFloorMs = performance.now() - filesFloorStart;

    // Detect-to-contain: SIMs registered and activated over HTTP, active at the MNO before their device changes.
    log(`signals: detect-to-contain, ${options.samples} samples and as many suspend commands`);
    const cmp = runtime.simulators.get(north.id)!;
    const activeSim = async (k: number) => {
      const body = { eid: eid(k), imei: imei(k % 1e6), profiles: [{ iccid: iccid(k), mno: north.id, imsi: imsi(k) }] };
      expectAnswer('register', await http.send('POST', '/v1/sims', user, body), 201);
      expectAnswer('activate', await http.send('POST', `/v1/sims/${body.eid}/activate`, user), 200);
      return body;
    };
    const heldAs = async (i: string, state: string, since: number) => {
      while (cmp.simStatus(i) !== state) {
        if (performance.now() - since > 60_000) throw new Error(`${i} not ${state} at the MNO after 60 s`);
        await new Promise((ok) => setTimeout(ok, 2));
      }
      return performance.now() - since;
    };
    const contained: number[] = [];
    const suspended: number[] = [];
    for (let s = 0; s < options.samples + 2; s++) {
      const [a, b] = [await activeSim(5_000_000 + 2 * s), await activeSim(5_000_001 + 2 * s)];
      await heldAs(a.profiles[0]!.iccid, 'active', performance.now());
      await heldAs(b.profiles[0]!.iccid, 'active', performance.now());
      const t0 = performance.now();
      await push([{ type: 'session', iccid: a.profiles[0]!.iccid, event: 'attach', imei: imei(999_999), servingPlmn: '262-91', country: 'DE', timestamp: new Date().toISOString() }]);
      const containMs = await heldAs(a.profiles[0]!.iccid, 'suspended', t0);
      const t1 = performance.now();
      expectAnswer('suspend', await http.send('POST', `/v1/sims/${b.eid}/suspend`, user), 200);
      const suspendMs = await heldAs(b.profiles[0]!.iccid, 'suspended', t1);
      // The first two are the warm-up.
      if (s >= 2) (contained.push(containMs), suspended.push(suspendMs));
    }
    http.close();
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
    const [c, f] = [sorted(contained), sorted(suspended)];
    const rate = records / (ingestMs / 1000);
    const floorRate = records / (floorMs / 1000);
    log(`signals: ${records} records ingested in ${(ingestMs / 1000).toFixed(1)} s (floor ${(floorMs / 1000).toFixed(1)} s); detect-to-contain p50 ${percentile(c, 50).toFixed(0)} ms p99 ${percentile(c, 99).toFixed(0)} ms`);
    const ingestion = figure('signals: push ingestion, records/s', 'ops/s', rate, floorRate);
    const perSecond = (n: number, ms: number) => n / (ms / 1000);
    const pullFigure = figure('signals: pull ingestion (poll), records/s', 'ops/s', perSecond(rounds * options.sims, pullMs), perSecond(rounds * options.sims, pullFloorMs));
    const filesFigure = figure('signals: file ingestion (CDR), records/s', 'ops/s', perSecond(rounds * options.sims, filesMs), perSecond(rounds * options.sims, filesFloorMs));
    const p50 = figure('signals: detect-to-contain p50', 'ms', percentile(c, 50), percentile(f, 50));
    const p99 = figure('signals: detect-to-contain p99', 'ms', percentile(c, 99), percentile(f, 99));
    const figures: Figure[] = [ingestion, pullFigure, filesFigure, p50, p99];
    const aims: Aim[] = [atLeast('push ingestion', ingestion, 0.7), atLeast('pull ingestion', pullFigure, 0.7), atLeast('file ingestion', filesFigure, 0.7), atMost('detect-to-contain p99', p99, 2000)];
    return { figures, aims, results: { sims: options.sims, batches: options.batches, records, ingestMs, floorMs, pull: { rounds, ms: pullMs, floorMs: pullFloorMs }, files: { files: rounds, ms: filesMs, floorMs: filesFloorMs }, contained: c, suspended: f } };
  } finally {
    await runtime?.stop().catch(() => undefined);
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
