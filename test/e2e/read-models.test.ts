import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { eventually, until } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { TEST_MNOS, startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = unique();
const rest: SimulatedMno = { id: `rest-${run}`, name: 'rest', style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
const fast = Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5]));

let api: LocalApi;
let client: DynamoDBClient;
let acme: Awaited<ReturnType<LocalApi['tenant']>>;
let other: Awaited<ReturnType<LocalApi['tenant']>>;
const sims: Record<'a' | 'b' | 'c' | 'd' | 'e', string> = { a: '', b: '', c: '', d: '', e: '' };

const register = async (tenant: typeof acme, mnos: string[], labels?: string[]) => {
  const n = unique();
  const body = { eid: eid(n), profiles: mnos.map((mno, i) => ({ iccid: iccid((n + i) % 1e12), mno, imsi: imsi((n + i) % 1e10) })), ...(labels && { labels }) };
  expect((await api.call('POST', '/v1/sims', { token: tenant.token, body })).status).toBe(201);
  return body.eid;
};
const command = async (tenant: typeof acme, id: string, action: string) => expect((await api.call('POST', `/v1/sims/${id}/${action}`, { token: tenant.token })).status).toBe(200);
const list = async (path: string, token = acme.token) => {
  const r = await api.call('GET', path, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: any[]; nextCursor?: string };
};
const scan = async (table: string) => {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((x, y) => x.pk!.S!.localeCompare(y.pk!.S!));
};
/** The projector has caught up: every projected stream's row is at the stream's head. */
const caughtUp = async () => {
  const heads = new Map<string, number>();
  for (const c of await scan(process.env.EVENTS_TABLE!))
    // The streams that have rows: SIMs, cascades (not their targets' own streams), policies, enterprises and MNOs.
    if (/^(T#[^#]+#(SIM|CASCADE|POLICY)#[^#]+|T#[^#]+#ENTERPRISE|MNO#[^#]+)$/.test(c.pk!.S!)) heads.set(c.pk!.S!, Math.max(heads.get(c.pk!.S!) ?? 0, Number(c.v!.N) + Number(c.n!.N) - 1));
  const rows = await scan(process.env.READ_MODELS_TABLE!);
  // A policy has a row once published: one only drafted has none.
  const listed = new Set(rows.map((r) => r.pk!.S!));
  for (const pk of heads.keys()) if (pk.includes('#POLICY#') && !listed.has(pk)) heads.delete(pk);
  return rows.length === heads.size && rows.every((r) => heads.get(r.pk!.S!) === Number(r.version!.N));
};

beforeAll(async () => {
  api = await startLocalApi({ mnos: [rest], stepFunctions: { retryIntervalOverrides: fast } });
  client = new DynamoDBClient({});
  [acme, other] = [await api.tenant('sims:write sims:read policies:write policies:read'), await api.tenant('sims:write sims:read')];
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: await acme.tokenFor('policies:write'), body: { mnos: [...TEST_MNOS, rest.id] } })).status).toBe(200);
  sims.a = await register(acme, [rest.id], ['fleet-a', 'depot.north']);
  sims.b = await register(acme, [rest.id, 'orange-fr']);
  sims.c = await register(acme, ['vodafone-de']);
  sims.d = await register(acme, ['orange-fr']);
  sims.e = await register(acme, [rest.id]);
  for (const id of [sims.a, sims.b, sims.d]) await command(acme, id, 'activate');
  // Labels set after registration replace the SIM's own: c gets fleet-a, then a loses depot.north.
  expect((await api.call('PUT', `/v1/sims/${sims.c}/labels`, { token: acme.token, body: { labels: ['fleet-a', 'fleet-a'] } })).body.labels).toEqual(['fleet-a']);
  expect((await api.call('PUT', `/v1/sims/${sims.a}/labels`, { token: acme.token, body: { labels: ['fleet-a'] } })).status).toBe(200);
  await command(acme, sims.b, 'suspend');
  for (let i = 0; i < 2; i++) await register(other, ['orange-fr']);
  // Four sim-state cascades (a, b twice, d; not c, e or the other tenant's), started from the stream, run to their end.
  await eventually(async () => (await list('/v1/cascades?limit=100')).items, (items) => items.length === 4 && items.every((c) => c.status !== 'running'), 'the four cascades to finish', { timeout: 60_000, interval: 50 });
  await api.runtime.cascades.engine.idle();
  await until(caughtUp, 'the read model to catch up', { timeout: 60_000, interval: 50 });
});
afterAll(async () => {
  await api?.stop();
});

describe('GET /v1/sims', () => {
  it('lists the tenant’s SIMs in EID order with state, MNOs and version, filtered by state, MNO and label', async () => {
    const all = await list('/v1/sims');
    expect(all.items.map((s) => s.eid)).toEqual(Object.values(sims).sort());
    for (const s of all.items) expect(s.version).toBe(Number((await api.call('GET', `/v1/sims/${s.eid}`, { token: acme.token })).headers.get('etag')!.replaceAll('"', '')));
    expect(all.items.find((s) => s.eid === sims.b)).toMatchObject({ state: 'suspended', mnos: [rest.id, 'orange-fr'], labels: [] });
    const eids = async (query: string) => (await list(`/v1/sims?${query}`)).items.map((s) => s.eid);
    expect(await eids('state=active')).toEqual([sims.a, sims.d].sort());
    expect(await eids(`mno=${rest.id}`)).toEqual([sims.a, sims.b, sims.e].sort());
    expect(await eids(`state=active&mno=${rest.id}`)).toEqual([sims.a]);
    expect(await eids('state=terminated')).toEqual([]);
    expect(await eids('label=fleet-a')).toEqual([sims.a, sims.c].sort());
    expect(await eids('label=depot.north')).toEqual([]);
    expect(await eids('state=active&label=fleet-a')).toEqual([sims.a]);
    expect(all.items.find((s) => s.eid === sims.c)).toMatchObject({ labels: ['fleet-a'] });
    // A label that is not one is refused and changes nothing.
    const bad = await api.call('PUT', `/v1/sims/${sims.c}/labels`, { token: acme.token, body: { labels: ['Not A Label'] } });
    expect(bad.status).toBe(400);
    expect((await api.call('GET', `/v1/sims/${sims.c}`, { token: acme.token })).body.labels).toEqual(['fleet-a']);
  });

  it('pages by cursor: every SIM once, in order, and no cursor after the last page', async () => {
    const seen: string[] = [];
    let path = '/v1/sims?limit=2';
    for (let pages = 1; ; pages++) {
      const page = await list(path);
      seen.push(...page.items.map((s) => s.eid));
      if (!page.nextCursor) break;
      expect(pages).toBeLessThan(3);
      path = `/v1/sims?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(Object.values(sims).sort());
    const filtered = await list(`/v1/sims?limit=1&mno=${rest.id}`);
    expect((await list(`/v1/sims?limit=5&mno=${rest.id}&cursor=${filtered.nextCursor}`)).items.map((s) => s.eid)).toEqual([sims.a, sims.b, sims.e].sort().slice(1));
    const active = await list('/v1/sims?state=active&limit=1');
    const second = await list(`/v1/sims?state=active&limit=1&cursor=${active.nextCursor}`);
    expect([...active.items, ...second.items].map((s) => s.eid)).toEqual([sims.a, sims.d].sort());
    expect(second.nextCursor).toBeUndefined();
  });

  it('never lists another tenant’s SIMs, whatever the cursor', async () => {
    const theirs = (await list('/v1/sims', other.token)).items.map((s) => s.eid);
    expect(theirs).toHaveLength(2);
    expect(theirs.some((id) => Object.values(sims).includes(id))).toBe(false);
    const cursor = Buffer.from(theirs[0]!).toString('base64url');
    for (const s of (await list(`/v1/sims?cursor=${cursor}`)).items) expect(Object.values(sims)).toContain(s.eid);
  });

  it('400 for a bad filter or cursor; 403 without sims:read', async () => {
    for (const query of ['state=gone', 'mno=NOT_AN_MNO', 'limit=0', 'limit=101', 'cursor=%%%', `cursor=${Buffer.from('nope').toString('base64url')}`])
      expect((await api.call('GET', `/v1/sims?${query}`, { token: acme.token })).status, query).toBe(400);
    expect((await api.call('GET', '/v1/sims', { token: await acme.tokenFor('sims:write') })).status).toBe(403);
  });
});

describe('GET /v1/cascades from the read model', () => {
  it('newest first, by status, with per-target summaries, paged by cursor', async () => {
    const all = await list('/v1/cascades?limit=100');
    const ofSim = (id: string) => all.items.filter((c) => c.subject.eid === id);
    expect(all.items).toHaveLength(4);
    expect(all.items.map((c) => c.startedAt)).toEqual(all.items.map((c) => c.startedAt).sort().reverse());
    expect(ofSim(sims.a)).toMatchObject([{ status: 'succeeded', summary: { verified: 1 }, subject: { kind: 'sim-state', state: 'active' } }]);
    expect(ofSim(sims.d)).toMatchObject([{ status: 'failed', summary: { failed: 1 } }]);
    expect(ofSim(sims.b)).toHaveLength(2); // activated then suspended: how each ends depends on timing (superseded is skipped)
    for (const status of ['running', 'succeeded', 'partial', 'failed'])
      expect((await list(`/v1/cascades?status=${status}&limit=100`)).items.map((c) => c.id), status).toEqual(all.items.filter((c) => c.status === status).map((c) => c.id));
    const paged: string[] = [];
    for (let cursor = ''; ; ) {
      const page = await list(`/v1/cascades?limit=3${cursor}`);
      paged.push(...page.items.map((c) => c.id));
      if (!page.nextCursor) break;
      cursor = `&cursor=${page.nextCursor}`;
    }
    expect(paged).toEqual(all.items.map((c) => c.id));
    expect((await list('/v1/cascades', await other.tokenFor('policies:read'))).items).toEqual([]);
  });
});

describe('npm run rebuild-projections', () => {
  it('rebuilds a read model equal to the live one, with a progress bar on stderr', async () => {
    const live = await scan(process.env.READ_MODELS_TABLE!);
    const table = `switchboard-read-models-${randomUUID().slice(0, 8)}`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/ops/rebuild-projections.ts', '--table', table, '--events-table', process.env.EVENTS_TABLE!, '--segments', '4'], {
      env: { ...process.env, SWITCHBOARD_DATA_DIR: api.dataDir },
    });
    expect(stdout).toMatch(new RegExp(`^rebuilt ${live.length} rows of ${table} from \\d+ commits`));
    expect(stderr).toMatch(/^scanning +\[#{30}\] 100% (\d+)\/\1 commits +\d+ events\/s$/m);
    expect(stderr).toMatch(/^writing +\[#{30}\] 100% (\d+)\/\1 rows +\d+ rows\/s$/m);
    expect(await scan(table)).toEqual(live);
  });
});
