import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { cascadeStream } from '../../application/stream-ids.ts';
import { localIssuer } from '../../infra/local/issuer.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid } from '../support/ids.ts';
import { killAll, spawnRuntime, tempDataDir } from './runtime-process.ts';

afterEach(killAll);

type Reply = { status: number; body: any };
const SIMS = 12;

/**
 * The crash test: a burst of commands and a running cascade, the runtime SIGKILLed in the middle,
 * started again on the same data folder. Every write acknowledged with a 2xx is there, every
 * stream's hash chain is valid, and every cascade reaches a final state with no hand-made start.
 */
describe('a runtime killed mid-work', () => {
  it('loses no acknowledged write, breaks no hash chain, and resumes every cascade it left running', async () => {
    const dataDir = tempDataDir();
    const first = spawnRuntime(dataDir);
    const { url } = await first.started;
    const mnos = (JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as { mnos: Record<string, string> }).mnos;
    const issuer = await localIssuer(dataDir);
    const admin = await issuer.sign({ subject: 'ops', scopes: ['platform:admin'], ttlSeconds: 900 });
    const token = await issuer.sign({ subject: 'alice', tenant: 'crash', scopes: ['sims:write', 'sims:read', 'audit:read', 'policies:write', 'policies:read'], ttlSeconds: 900 });
    const call = async (base: string, method: string, path: string, body?: unknown, bearer = token): Promise<Reply> => {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    };
    const fault = (mno: string, faults: unknown) => fetch(`${mnos[mno]}/_sim/faults`, { method: 'PUT', body: JSON.stringify(faults) });

    expect((await call(url, 'POST', '/v1/enterprises', { tenantId: 'crash', name: 'Crash' }, admin)).status).toBe(201);
    expect((await call(url, 'PUT', '/v1/enterprise/mnos', { mnos: Object.keys(mnos) })).status).toBe(200);
    // Northwind answers nothing in time: the policy cascade (and every SIM activation there) is mid-run when the runtime dies.
    await fault('northwind-de', { latencyMs: 60_000 });
    expect((await call(url, 'PUT', '/v1/policies/fleet', { data: { apns: ['iot.crash'] }, roaming: { countries: ['DE'] } })).status).toBe(200);
    const { cascadeId } = (await call(url, 'POST', '/v1/policies/fleet/publish')).body as { cascadeId: string };
    await eventually(
      async () => (await call(url, 'GET', '/v1/cascades?status=running')).body,
      (page) => page.items.some((c: { id: string }) => c.id === cascadeId),
      'the cascade in the list of running ones',
      { timeout: 30_000, interval: 100 },
    );
    const before = await eventually(
      async () => (await call(url, 'GET', `/v1/cascades/${cascadeId}`)).body,
      (c) => c.targets.filter((t: { status: string }) => t.status === 'verified').length === 4 && c.targets.some((t: { mno: string; status: string }) => t.mno === 'northwind-de' && t.status === 'applying'),
      'four MNOs verified and northwind-de applying',
      { timeout: 60_000, interval: 100 },
    );

    // The burst: per SIM, register, activate, label, one after the other; SIMs in parallel. Killed midway.
    const acknowledged = new Map<string, { registered?: boolean; activated?: boolean; labels?: string[] }>();
    let acks = 0;
    const killed = new Promise<void>((ok) => {
      const check = setInterval(() => {
        if (acks < SIMS) return;
        clearInterval(check);
        process.kill(first.pid, 'SIGKILL');
        ok();
      }, 5);
    });
    const ack = (id: string, what: object) => {
      acknowledged.set(id, { ...acknowledged.get(id), ...what });
      acks++;
    };
    const burst = Array.from({ length: SIMS }, async (_, i) => {
      const n = 1000 + i;
      const id = eid(n);
      try {
        const profile = { iccid: iccid(n), mno: 'northwind-de', imsi: `26291${String(n).padStart(10, '0')}` };
        if ((await call(url, 'POST', '/v1/sims', { eid: id, profiles: [profile] })).status !== 201) return;
        ack(id, { registered: true });
        if ((await call(url, 'POST', `/v1/sims/${id}/activate`)).status !== 200) return;
        ack(id, { activated: true });
        const labels = [`site-${i}`];
        if ((await call(url, 'PUT', `/v1/sims/${id}/labels`, { labels })).status !== 200) return;
        ack(id, { labels });
      } catch {
        // the connection died with the runtime: not acknowledged
      }
    });
    await killed;
    await Promise.all(burst);
    await first.exit;
    expect(acks).toBeGreaterThanOrEqual(SIMS);

    // Started again on the same folder, with nothing done by hand.
    const second = spawnRuntime(dataDir);
    const again = await second.started;

    for (const [id, acked] of acknowledged) {
      const sim = await call(again.url, 'GET', `/v1/sims/${id}`);
      expect(sim.status, `${id} was acknowledged`).toBe(200);
      if (acked.activated) expect(sim.body.state).toBe('active');
      if (acked.labels) expect(sim.body.labels).toEqual(acked.labels);
      expect((await call(again.url, 'GET', `/v1/sims/${id}/audit`)).body).toMatchObject({ valid: true });
    }

    // Every stream's chain, read straight from the table.
    const client = new DynamoDBClient({ endpoint: again.dynamo, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const streams = new Set<string>();
    for (let start: Record<string, any> | undefined, first = true; first || start; first = false) {
      const page = await client.send(new ScanCommand({ TableName: 'switchboard-events', ProjectionExpression: 'pk', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) streams.add(item.pk!.S!);
      start = page.LastEvaluatedKey;
    }
    const store = new DynamoDbEventStore(client, 'switchboard-events');
    const broken = [];
    for (const stream of streams) if (!(await store.verify(stream)).valid) broken.push(stream);
    expect(broken).toEqual([]);

    // Every cascade of the tenant ends, the policy's among them, resumed once without a second submission where one had been confirmed.
    const settled = await eventually(
      async () => (await call(again.url, 'GET', '/v1/cascades?limit=100')).body.items as { id: string; status: string }[],
      (items) => items.length > 0 && items.every((c) => c.status !== 'running'),
      'every cascade to reach a final state',
      { timeout: 120_000, interval: 250 },
    );
    expect(settled.find((c) => c.id === cascadeId)?.status).toBe('succeeded');
    expect(settled.filter((c) => c.status !== 'succeeded')).toEqual([]);
    const after = (await call(again.url, 'GET', `/v1/cascades/${cascadeId}`)).body;
    for (const t of before.targets.filter((t: { status: string }) => t.status === 'verified')) {
      expect(after.targets.find((a: { mno: string }) => a.mno === t.mno)).toMatchObject({ status: 'verified', attempts: t.attempts, verifiedAt: t.verifiedAt });
    }
    const history = (await store.load(cascadeStream('crash', cascadeId))).commits.flatMap((c) => c.events.map((e) => e.type));
    expect(history).toContain('CascadeResumed');
    client.destroy();
  }, 300_000);
});
