import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbLeaseStore } from '../../adapters/lease/dynamodb-lease.ts';
import { localIssuer } from '../../infra/local/issuer.ts';
import type { HealthCheckSettings } from '../../infra/local/regions/front.ts';
import { startRegions } from '../../infra/local/regions/start-regions.ts';
import type { ConsistencyMode } from '../../infra/local/regions/stores.ts';
import { startWebhookReceiver } from '../../infra/local/webhooks/receiver.ts';
import { TABLES } from '../../manifest/tables.ts';
import { eid, iccid } from './ids.ts';

/** Reads until `done` holds, or fails naming `what` after `timeoutMs` (no test runner needed: the bench runs this too). */
const until = async <T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 60_000, everyMs = 250): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, everyMs));
  }
};
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export interface ChaosFigures {
  mode: ConsistencyMode;
  writers: number;
  acknowledged: number;
  /** Writes refused (or unanswered) during the failover window. */
  refused: number;
  /** From the failure to the first write accepted through the front. */
  rtoMs: number;
  /** Acknowledged writes the surviving region lacked when the writers stopped (eventual: the RPO in writes). */
  lostAtFailover: number;
  /** …and once the failed region was back and replication had caught up (must be 0). */
  lostAfterRecovery: number;
  /** In eventual mode: how long a write took to reach the other region, before the failure. */
  replicationLagMs: number | undefined;
  events: number;
  undelivered: number;
  /** Deliveries a receiver got twice (it drops them by webhook-id): only from deliveries in flight in the stopped region, or (eventual) from a lease both regions held for a moment. */
  repeats: number;
  cascadesLeftRunning: number;
  lease: { owner: string; token: number } | undefined;
  /** Writes made after the failed region came back, and how often each reached the webhook. */
  afterRecovery: { writes: number; deliveries: number };
  /** Conflicts replication saw (each direction's sightings) and the distinct ones recorded (a stream each). */
  conflicts: { detected: number; recorded: number };
  frontActive: string;
}

/**
 * The chaos run of issue 13: two regions behind the front, 8 writers registering and activating
 * SIMs through it; once they have some writes acknowledged the primary is failed (stopped where it
 * stands); they go on; then the primary is recovered. What was lost, published, delivered and
 * finished is counted from the stores and a webhook receiver. Traffic to 127.0.0.1 only, bounded.
 */
export const runChaos = async (options: { mode: ConsistencyMode; writers?: number; replicationLagMs?: number; health?: Partial<HealthCheckSettings>; log?: (message: string) => void }): Promise<ChaosFigures> => {
  const WRITERS = options.writers ?? 8;
  const dataDir = mkdtempSync(join(tmpdir(), `switchboard-chaos-${options.mode}-`));
  const regions = await startRegions({
    dataDir,
    port: 0,
    mode: options.mode,
    replicationLagMs: options.replicationLagMs,
    // Tests check fast (a failover within about 2 s); the bench with the defaults.
    health: options.health ?? { intervalMs: 500, timeoutMs: 400, failureThreshold: 3 },
    env: {
      // A lease of 6 s renewed 3 s before it lapses, stepped every second: a failover's publishing resumes within seconds, and a loaded machine's slow step does not let it lapse.
      PUBLISHING_LEASE_MS: '6000',
      PUBLISHING_LEASE_RENEW_BEFORE_MS: '3000',
      PUBLISHING_REPLAY_MARGIN_MS: '5000',
      CASCADE_RESUME_GRACE_MS: '2000',
      SWITCHBOARD_SCHEDULES_EVERY_MS: JSON.stringify({ 'keep-publishing-lease': 1000, 'reconcile-cascades': 2000 }),
    },
    devices: false,
    traffic: false,
    log: options.log ?? (() => undefined),
  });
  const receiver = await startWebhookReceiver();
  try {
    const front = regions.url;
    const [primary, secondary] = Object.keys(regions.regions) as [string, string];
    const issuer = await localIssuer(dataDir);
    const admin = await issuer.sign({ subject: 'ops', scopes: ['platform:admin'], ttlSeconds: 900 });
    const token = await issuer.sign({ subject: 'alice', tenant: 'chaos', scopes: ['sims:write', 'sims:read', 'integrations:write', 'policies:read', 'policies:write'], ttlSeconds: 900 });
    const call = async (method: string, path: string, body?: unknown, bearer = token) => {
      const res = await fetch(`${front}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }), signal: AbortSignal.timeout(15_000) });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    };
    const expect = (status: number, want: number, what: string) => {
      if (status !== want) throw new Error(`${what}: ${status}, not ${want}`);
    };
    expect((await call('POST', '/v1/enterprises', { tenantId: 'chaos', name: 'Chaos' }, admin)).status, 201, 'onboarding');
    expect((await call('PUT', '/v1/enterprise/mnos', { mnos: Object.keys(regions.endpoints.mnos) })).status, 200, 'choosing MNOs');
    expect((await call('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: ['SimRegistered', 'SimActivated'] })).status, 201, 'subscribing');
    const survivor = regions.stores.of(secondary).store;
    const simOf = (id: string) => `T#chaos#SIM#${id}`;
    const profileOf = (k: number) => [{ iccid: iccid(k), mno: 'northwind-de', imsi: `26291${String(k).padStart(10, '0')}` }];

    // Before the failure, in eventual mode: how long a write takes to reach the other region.
    let replicationLagMs: number | undefined;
    if (options.mode === 'eventual') {
      const probe = eid(4999);
      const at = Date.now();
      expect((await call('POST', '/v1/sims', { eid: probe, profiles: profileOf(4999) })).status, 201, 'the replication probe');
      await until(async () => (await survivor.head(simOf(probe))).version, (v) => v > 0, 'the probe replicated', 30_000, 20);
      replicationLagMs = Date.now() - at;
    }

    const acked = new Map<string, { activated: boolean }>();
    let refused = 0;
    let failedAt: number | undefined;
    let acceptedAfterFailure: number | undefined;
    let n = 5000;
    let stopAt = Number.POSITIVE_INFINITY;
    const accepted = () => {
      if (failedAt !== undefined && acceptedAfterFailure === undefined) acceptedAfterFailure = Date.now();
    };
    const writer = async () => {
      while (Date.now() < stopAt) {
        const k = n++;
        const id = eid(k);
        try {
          if ((await call('POST', '/v1/sims', { eid: id, profiles: profileOf(k) })).status !== 201) {
            refused++;
            continue;
          }
          accepted();
          acked.set(id, { activated: false });
          if ((await call('POST', `/v1/sims/${id}/activate`)).status !== 200) refused++;
          else {
            accepted();
            acked.set(id, { activated: true });
          }
        } catch {
          refused++; // no answer: not acknowledged
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    await until(() => acked.size, (size) => size >= 24, 'writes before the failure', 60_000, 50);
    expect((await fetch(`${front}/_sim/regions/${primary}/fail`, { method: 'POST' })).status, 200, 'failing the primary');
    failedAt = Date.now();
    await until(() => acceptedAfterFailure, (at) => at !== undefined, 'a write accepted through the front after the failure', 60_000, 50);
    stopAt = Date.now() + 3_000;
    await Promise.all(writers);
    const rtoMs = acceptedAfterFailure! - failedAt;
    const missing = async () => {
      let lost = 0;
      for (const [id, a] of acked) {
        const types = (await survivor.load(simOf(id))).commits.flatMap((c) => c.events.map((e) => e.type));
        if (!types.includes('SimRegistered') || (a.activated && !types.includes('SimActivated'))) lost++;
      }
      return lost;
    };
    const lostAtFailover = await missing();

    // The primary comes back; in eventual mode what it had not replicated reaches the survivor now.
    const beforeRecovery = receiver.deliveries.length;
    expect((await fetch(`${front}/_sim/regions/${primary}/recover`, { method: 'POST' })).status, 200, 'recovering the primary');
    const lostAfterRecovery = options.mode === 'eventual' ? await until(missing, (lost) => lost === 0, 'the failed region’s writes replicated', 30_000, 500).catch(missing) : await missing();

    // Every event of the SIM streams (acknowledged or landed unacknowledged) reaches the webhook.
    const expected = new Set<string>();
    for (let k = 5000; k < n; k++)
      for (const c of (await survivor.load(simOf(eid(k)))).commits) for (const e of c.events) if (e.type === 'SimRegistered' || e.type === 'SimActivated') expected.add(e.id);
    const deliveredIds = () => new Set(receiver.deliveries.filter((d) => d.status === 200).map((d) => d.id));
    const got = await until(deliveredIds, (ids) => [...expected].every((id) => ids.has(id)), 'every event delivered', 60_000).catch(deliveredIds);
    const undelivered = [...expected].filter((id) => !got.has(id)).length;
    const cascadesLeftRunning = await until(async () => (await call('GET', '/v1/cascades?status=running')).body?.items?.length ?? -1, (k) => k === 0, 'no cascade left running', 60_000, 500).catch(() => -1);

    // Writes after the recovery: each reaches the webhook once.
    await sleep(3_000);
    const more = [n + 10, n + 11, n + 12];
    for (const k of more) expect((await call('POST', '/v1/sims', { eid: eid(k), profiles: profileOf(k) })).status, 201, 'a write after recovery');
    const afterRecovery = () => receiver.deliveries.slice(beforeRecovery).filter((d) => more.some((k) => JSON.parse(d.body).detail.data.eid === eid(k)));
    await until(() => afterRecovery().length, (k) => k >= more.length, 'the writes after recovery delivered', 20_000);
    await sleep(3_000);
    const all = receiver.deliveries.filter((d) => d.status === 200).map((d) => d.id);
    const lease = await new DynamoDbLeaseStore(regions.stores.of(secondary).client, TABLES.events.name).read();

    // Conflicts: each one replication saw, recorded (a REPLICATION# stream in the region that saw it).
    const recordedStreams = new Set<string>();
    for (const s of regions.stores.all)
      for (let start: Record<string, any> | undefined, first = true; first || start; first = false) {
        const page = await s.client.send(new ScanCommand({ TableName: TABLES.events.name, FilterExpression: 'begins_with(pk, :r)', ExpressionAttributeValues: { ':r': { S: 'REPLICATION#' } }, ProjectionExpression: 'pk', ExclusiveStartKey: start }));
        for (const item of page.Items ?? []) recordedStreams.add(item.pk!.S!);
        start = page.LastEvaluatedKey;
      }
    const recorded = recordedStreams.size;
    return {
      mode: options.mode,
      writers: WRITERS,
      acknowledged: acked.size,
      refused,
      rtoMs,
      lostAtFailover,
      lostAfterRecovery,
      replicationLagMs,
      events: expected.size,
      undelivered,
      repeats: all.length - new Set(all).size,
      cascadesLeftRunning,
      lease: lease && { owner: lease.owner, token: lease.token },
      afterRecovery: { writes: more.length, deliveries: afterRecovery().length },
      conflicts: { detected: regions.stores.replication().conflicts, recorded },
      frontActive: ((await fetch(`${front}/_sim/front`).then((r) => r.json())) as { active: string }).active,
    };
  } finally {
    await receiver.close();
    await regions.stop();
  }
};
