import { randomUUID } from 'node:crypto';
import { PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StreamRecord as DynamoDBRecord } from '../../adapters/event-store/stream-records.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../domain/event-store.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { cascadeStream, enterpriseStream, mnoStream, simStream } from '../../application/stream-ids.ts';
import { createProjector } from '../../adapters/read-models/projector.ts';
import { rebuildReadModels, type RebuildProgress } from '../../infra/ops/rebuild-read-models.ts';
import { createTable } from '../../adapters/dynamodb/create-table.ts';
import { TABLES } from '../../manifest/tables.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { freshTables } from '../support/tables.ts';

let tables: Awaited<ReturnType<typeof freshTables>>;
let store: DynamoDbEventStore;
const newTable = async () => {
  const name = `switchboard-read-models-${randomUUID().slice(0, 8)}`;
  await createTable(tables.client, TABLES.readModels, name);
  return name;
};

const append = async (streamId: string, ...events: NewEvent[]) =>
  store.append(streamId, await store.head(streamId), events, { actor: 'alice', commandId: randomUUID(), correlationId: 'c', region: 'local', time: new Date().toISOString() });

/** Every commit of the store as a stream record, in append order within each stream. */
const allRecords = async (): Promise<DynamoDBRecord[]> => {
  const { Items = [] } = await tables.client.send(new ScanCommand({ TableName: tables.events }));
  Items.sort((a, b) => a.pk!.S!.localeCompare(b.pk!.S!) || Number(a.v!.N) - Number(b.v!.N));
  return Items.map((item, i) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(i + 1).padStart(21, '0'), NewImage: item as never } }));
};
const contents = async (table: string) => {
  const { Items = [] } = await tables.client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.sort((a, b) => a.pk!.S!.localeCompare(b.pk!.S!));
};

/** A small but varied history: two tenants (enterprises) with SIMs through their lifecycle, cascades, MNOs, and streams no read model shows. */
const history = async () => {
  for (const tenant of [`t-${unique()}`, `t-${unique()}`]) {
    await append(enterpriseStream(tenant), { type: 'EnterpriseOnboarded', data: { tenantId: tenant, name: tenant } });
    for (let i = 0; i < 12; i++) {
      const n = unique();
      const stream = simStream(tenant, eid(n));
      await append(stream, { type: 'SimRegistered', data: { eid: eid(n), profiles: [{ iccid: iccid(n % 1e12), mno: i % 2 ? 'orange-fr' : 'vodafone-de', imsi: imsi(n % 1e10), fallback: false }], ...(i % 3 === 0 && { labels: ['fleet-a'] }) } });
      if (i % 4 > 0) await append(stream, { type: 'SimActivated', data: {} });
      if (i % 4 > 1) await append(stream, { type: 'SimSuspended', data: {} }, { type: 'SimStateObserved', data: { mno: 'vodafone-de', state: 'suspended' } });
      if (i % 4 > 2) await append(stream, { type: 'SimTerminationRequested', data: { requestedBy: 'alice' } }, { type: 'SimTerminated', data: { requestedBy: 'alice', approvedBy: 'bob' } });
    }
    for (let i = 0; i < 3; i++) {
      const stream = cascadeStream(tenant, `c-${i}`);
      await append(stream, { type: 'CascadeStarted', data: { cascadeId: `c-${i}`, subject: { kind: 'policy', policyId: 'p', version: i + 1 }, targets: ['a', 'b'] } });
      await append(stream, { type: 'CascadeTargetApplying', data: { mno: 'a', attempt: 1 } });
      if (i > 0) await append(stream, { type: 'CascadeTargetFailed', data: { mno: 'a', error: 'x', permanent: true } }, { type: 'CascadeCompleted', data: { status: 'failed' } });
    }
  }
  const mno = `mno-${unique()}`;
  await append(mnoStream(mno), { type: 'MnoRegistered', data: { id: mno, name: mno, plmns: ['262-01'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'http://127.0.0.1:9', credentialsRef: 'secret://m' }, capabilities: [] } });
  await append(mnoStream(mno), { type: 'MnoQuarantined', data: { checks: {}, failed: ['cmpTls'] } });
};

/** Delivers records as a stream would, and worse: in shuffled batches, each record twice. */
const projectLive = async (table: string, records: DynamoDBRecord[]) => {
  const projector = createProjector({ client: tables.client, store, table });
  const doubled = [...records, ...records].sort(() => Math.random() - 0.5);
  for (let i = 0; i < doubled.length; i += 25) expect(await projector.handler({ Records: doubled.slice(i, i + 25) })).toEqual({ batchItemFailures: [] });
};

beforeAll(async () => {
  tables = await freshTables();
  store = new DynamoDbEventStore(tables.client, tables.events);
  await history();
});

describe('rebuilding the read models', () => {
  it('a rebuilt read model equals the live one', async () => {
    const live = await newTable();
    await projectLive(live, await allRecords());
    const rebuilt = await newTable();
    const progress: RebuildProgress[] = [];
    const result = await rebuildReadModels({ client: tables.client, eventsTable: tables.events, table: rebuilt, segments: 4, onProgress: (p) => progress.push(p) });
    const rows = await contents(live);
    // Per tenant 12 SIMs, 3 cascades and its enterprise; one MNO.
    expect(rows).toHaveLength(2 * 12 + 2 * 3 + 2 + 1);
    expect(await contents(rebuilt)).toEqual(rows);
    const commits = (await allRecords()).length;
    expect(result).toMatchObject({ commits, rows: rows.length, removed: 0, kept: 0, incomplete: 0 });
    expect(progress.filter((p) => p.phase === 'scan').at(-1)).toMatchObject({ done: commits, total: commits });
    expect(progress.filter((p) => p.phase === 'write').at(-1)).toMatchObject({ done: rows.length, total: rows.length });
  });

  it('in place: damaged rows repaired and stray rows removed, beside a live projector, never emptying the table', async () => {
    const live = await newTable();
    await projectLive(live, await allRecords());
    const before = await contents(live);
    const [first] = before;
    await tables.client.send(new UpdateItemCommand({ TableName: live, Key: { pk: first!.pk! }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'damaged' } } }));
    const stray: Record<string, AttributeValue> = { pk: { S: 'T#gone#SIM#1' }, listKey: { S: 'T#gone#SIM' }, sortKey: { S: '1' }, version: { N: '1' } };
    await tables.client.send(new PutItemCommand({ TableName: live, Item: stray }));

    // New commits while the rebuild runs, projected live at the same time.
    const tenant = `t-${unique()}`;
    const n = unique();
    const stream = simStream(tenant, eid(n));
    await append(stream, { type: 'SimRegistered', data: { eid: eid(n), profiles: [{ iccid: iccid(n % 1e12), mno: 'vodafone-de', imsi: imsi(n % 1e10), fallback: false }] } });
    const rebuild = rebuildReadModels({ client: tables.client, eventsTable: tables.events, table: live, segments: 3 });
    await append(stream, { type: 'SimActivated', data: {} });
    const { Items = [] } = await tables.client.send(new QueryCommand({ TableName: tables.events, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: stream } } }));
    await projectLive(live, Items.map((item, i) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(i), NewImage: item as never } })));
    // Only the stray row goes: every other row stays served while the rebuild runs.
    expect((await rebuild).removed).toBe(1);

    const fresh = await newTable();
    await rebuildReadModels({ client: tables.client, eventsTable: tables.events, table: fresh });
    const after = await contents(live);
    expect(after).toEqual(await contents(fresh));
    expect(after.find((r) => r.pk!.S === stream)?.status).toEqual({ S: 'active' });
    expect(after.find((r) => r.pk!.S === 'T#gone#SIM#1')).toBeUndefined();
  });

  it('from scratch: the table is emptied first, then rebuilt', async () => {
    const live = await newTable();
    await projectLive(live, await allRecords());
    const before = await contents(live);
    const result = await rebuildReadModels({ client: tables.client, eventsTable: tables.events, table: live, clear: true });
    expect(result.removed).toBe(before.length);
    expect(await contents(live)).toEqual(before);
  });
});
