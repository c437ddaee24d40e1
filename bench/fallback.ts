import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueEuiccCertificate } from '../adapters/signing/eim-signing.ts';
import { fileSigner, memorySigner } from '../adapters/signing/file-signer.ts';
import { listSims } from '../adapters/read-models/queries.ts';
import { queuePsmos } from '../application/sims/eim.ts';
import { identifierClaimStream, simStream } from '../application/stream-ids.ts';
import { GENESIS } from '../domain/event-store.ts';
import { stamped } from '../domain/events.ts';
import { identifierClaimDecider } from '../domain/identifier-claim/decider.ts';
import { simDecider } from '../domain/sim/decider.ts';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { simulatedEuicc, type SimulatedEuicc } from '../infra/local/devices/euicc-device.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import { readEnvironment } from '../manifest/environment.ts';
import { EVENT_RULES } from '../manifest/rules.ts';
import { eid, iccid, imsi } from '../test/support/ids.ts';
import { expectAnswer, httpClient } from './command-http.ts';
import { forEachConcurrently } from './measure.ts';
import { aim, figure, type Aim, type Figure } from './report.ts';
import { onboardTenant } from './sim-fleet.ts';

/**
 * Automatic fallback of a fleet (issue 11): N SIMs (BENCH_FALLBACK_SIMS, default 10,000) with a
 * profile on `north` (enabled) and a fallback profile on `south`; `north` is declared in outage and
 * the time until every SIM's device has run its switch (its signed result recorded) is measured,
 * beside a floor from the same run: another N SIMs given the same package directly (queued on the
 * SIM's stream, no rule, no bulk operation, no state machine) and the same device round trip.
 *
 * Devices: one simulated eUICC per SIM (its own key, certified by the runtime's EUM), driven by the
 * bench 8 at a time: woken when its package is queued (as an eIM's push would wake an IPA), it
 * fetches the package (ESipa, signed request), runs it and posts its signed result, as the runtime's
 * devices do. Both sides do exactly this per SIM.
 *
 * Left out of both sides, and said so: the bus rules other than `fallback` and `start-bulk` (the
 * cascades that carry each SIM's state to its new MNO after the switch, webhooks, the archive and
 * the ops feed), so the figure is the switch itself. DynamoDB calls are counted on the handlers'
 * client (every handler, the projector included), per SIM switched.
 */
const north: SimulatedMno = { id: 'bench-north', name: 'Bench North', style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
const south: SimulatedMno = { id: 'bench-south', name: 'Bench South', style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
const TENANT = 'bench-fallback';
const DEVICES_AT_ONCE = 8;
const SEED_AT_ONCE = 16;

interface Fleet {
  eids: string[];
  fallbackOf: Map<string, string>;
  devices: Map<string, { euicc: SimulatedEuicc; certificate: Awaited<ReturnType<typeof issueEuiccCertificate>> }>;
}

/** A queue of devices to wake, worked through `DEVICES_AT_ONCE` at a time; `done` resolves once `expected` have answered. */
const devicePool = (cycle: (eid: string) => Promise<void>, expected: number) => {
  const queue: string[] = [];
  let active = 0;
  let answered = 0;
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((ok, ko) => ((finish = ok), (fail = ko)));
  const pump = () => {
    while (active < DEVICES_AT_ONCE && queue.length > 0) {
      const next = queue.shift()!;
      active++;
      cycle(next)
        .then(() => {
          active--;
          if (++answered === expected) finish();
          pump();
        })
        .catch((error: Error) => fail(error));
    }
  };
  return { wake: (eid: string) => (queue.push(eid), pump()), done };
};

export const fallbackFigures = async (n: number, log: (message: string) => void) => {
  const dynamo = await startDynamoDbLocal();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-fallback-'));
  let runtime: Runtime | undefined;
  try {
    const rules = EVENT_RULES.filter((r) => r.name === 'fallback' || r.name === 'start-bulk');
    runtime = await startRuntime({ port: 0, dataDir, dynamodbEndpoint: dynamo.endpoint, mnos: [north, south], devices: false, rules, log });
    const http = httpClient(runtime.url, 16);
    await onboardTenant(runtime, http, TENANT, [north.id, south.id]);
    const admin = await runtime.issuer.sign({ subject: 'bench-ops', scopes: ['platform:admin'] });
    const { adapters, dynamodb } = await import('../functions/lambda/wiring.ts');
    const store = adapters.eventStore;
    let calls = 0;
    // Around send, not as a middleware: the client resolves each command's middleware stack once (cacheMiddleware), before this is installed.
    const send = dynamodb.send.bind(dynamodb) as (command: unknown) => Promise<unknown>;
    (dynamodb as unknown as { send: (command: unknown) => Promise<unknown> }).send = (command) => (calls++, send(command));

    const eum = fileSigner(join(dataDir, 'eum-key.json'), 'local-eum');
    const eimPublicJwk = await fileSigner(join(dataDir, 'eim-key.json'), 'eim').publicJwk();
    const context = { actor: 'bench', correlationId: 'bench-seed', region: 'local' };
    const seed = async (first: number, count = n): Promise<Fleet> => {
      const fleet: Fleet = { eids: [], fallbackOf: new Map(), devices: new Map() };
      const numbers = Array.from({ length: count }, (_, i) => first + i);
      await forEachConcurrently(numbers, SEED_AT_ONCE, async (k) => {
        const id = eid(k);
        const [home, away] = [iccid(2 * k), iccid(2 * k + 1)];
        // What a registration and an activation leave (the EID's claim, the SIM's stream), written directly: two puts a SIM.
        const metadata = { ...context, commandId: `seed-${k}`, time: new Date().toISOString() };
        await store.append(identifierClaimStream('eid', id), GENESIS, stamped([{ type: 'IdentifierClaimed', data: { kind: 'eid', holder: { tenant: TENANT, eid: id } } }], identifierClaimDecider.events), metadata);
        const profiles = [
          { iccid: home, mno: north.id, imsi: imsi(2 * k), fallback: false, state: 'enabled' },
          { iccid: away, mno: south.id, imsi: imsi(2 * k + 1), fallback: true, state: 'disabled' },
        ];
        await store.append(simStream(TENANT, id), GENESIS, stamped([{ type: 'SimRegistered', data: { eid: id, profiles } }, { type: 'SimActivated', data: {} }], simDecider.events), metadata);
        const euicc = simulatedEuicc({
          eid: id,
          eimId: readEnvironment().EIM_ID,
          eimPublicJwk,
          profiles: [
            { iccid: home, state: 'enabled', fallback: false },
            { iccid: away, state: 'disabled', fallback: true },
          ],
          key: memorySigner(undefined, `euicc-${id}`),
          attachable: () => true,
        });
        fleet.devices.set(id, { euicc, certificate: await issueEuiccCertificate(eum, id, await euicc.publicJwk()) });
        fleet.eids.push(id);
        fleet.fallbackOf.set(id, away);
      });
      return fleet;
    };
    /** One device woken: its package fetched, run, and its signed result recorded. */
    const cycle = (fleet: Fleet) => async (id: string) => {
      const device = fleet.devices.get(id)!;
      const next = await http.send('POST', `/v1/esipa/${id}/packages/next`, undefined, { request: await device.euicc.request(new Date()), certificate: device.certificate });
      expectAnswer(`package for ${id}`, next, 200);
      const result = await device.euicc.load((JSON.parse(next.body) as { package: never }).package);
      expectAnswer(`result of ${id}`, await http.send('POST', `/v1/esipa/${id}/results`, undefined, { result, certificate: device.certificate }), 200);
    };

    log(`fallback: seeding 2 × ${n} SIMs (their EID claim and stream, written directly) with a device each (north enabled, south their fallback)`);
    const seeded = Date.now();
    const warm = Math.max(20, Math.ceil(n / 20));
    const warmFleet = await seed(3_000_000, warm);
    const floorFleet = await seed(1_000_000);
    const fleet = await seed(2_000_000);
    log(`fallback: seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

    const { config } = await import('../functions/lambda/wiring.ts');
    const onNorth = async () => {
      let count = 0;
      let after: string | undefined;
      do {
        const page = await listSims(dynamodb, config.readModelsTable, TENANT, { enabledOn: north.id, state: 'active', limit: 100, after });
        count += page.items.length;
        after = page.nextCursor === undefined ? undefined : Buffer.from(page.nextCursor, 'base64url').toString();
      } while (after);
      return count;
    };
    /** Until the projector has caught up: `expected` SIMs listed active on north (neither side pays for the other's projection). */
    const settled = async (expected: number) => {
      for (let waited = 0; (await onNorth()) !== expected; waited += 500) {
        if (waited > 600_000) throw new Error('the read model did not settle in 10 minutes');
        await new Promise((ok) => setTimeout(ok, 500));
      }
    };

    /** The floor's way: the same package per SIM, queued directly (no rule, no bulk operation), each device woken once it is. */
    const switchDirectly = async (f: Fleet) => {
      const pool = devicePool(cycle(f), f.eids.length);
      await forEachConcurrently(f.eids, DEVICES_AT_ONCE, async (id) => {
        await queuePsmos(store, TENANT, id, [{ op: 'enable', iccid: f.fallbackOf.get(id)!, rollback: true }], { ...context, correlationId: 'bench-floor' });
        pool.wake(id);
      });
      await pool.done;
    };
    // Warm-up (untimed): the handlers, the signing and the HTTP path, so the floor is not also the first run.
    await switchDirectly(warmFleet);
    await settled(2 * n);

    log(`fallback: floor (${n} packages queued directly, each device woken at once)`);
    calls = 0;
    const floorStart = performance.now();
    await switchDirectly(floorFleet);
    const floorMs = performance.now() - floorStart;
    const floorCalls = calls;

    // The read model must know where every SIM's enabled profile is before north fails.
    await settled(n);
    log(`fallback: north declared in outage; ${n} SIMs to switch`);
    calls = 0;
    const pool = devicePool(cycle(fleet), n);
    const unsubscribe = runtime.bus.subscribe((event) => {
      const id = /#SIM#(\d{32})$/.exec((event.detail as { streamId: string }).streamId)?.[1];
      if (event['detail-type'] === 'EimPackageQueued' && id && fleet.devices.has(id)) pool.wake(id);
    });
    const start = performance.now();
    expectAnswer('declare outage', await http.send('POST', `/v1/mnos/${north.id}/outage`, admin, { reason: 'bench' }), 200);
    await pool.done;
    const switchedMs = performance.now() - start;
    const switchCalls = calls;
    unsubscribe();
    http.close();
    const perSecond = (ms: number) => n / (ms / 1000);
    log(`fallback: ${n} SIMs switched in ${(switchedMs / 1000).toFixed(1)} s (floor ${(floorMs / 1000).toFixed(1)} s); DynamoDB calls per SIM ${(switchCalls / n).toFixed(1)} (floor ${(floorCalls / n).toFixed(1)})`);
    const time = figure(`fallback of ${n} SIMs: all switched`, 'ms', switchedMs, floorMs);
    const figures: Figure[] = [time, figure('fallback: SIMs switched per second', 'ops/s', perSecond(switchedMs), perSecond(floorMs)), figure('fallback: DynamoDB calls per SIM', 'calls', switchCalls / n, floorCalls / n)];
    const aims: Aim[] = [aim('fallback of a fleet: time until all switched', time, 2)];
    return { figures, aims, results: { sims: n, switchedMs, floorMs, callsPerSim: switchCalls / n, floorCallsPerSim: floorCalls / n } };
  } finally {
    await runtime?.stop().catch(() => undefined);
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
