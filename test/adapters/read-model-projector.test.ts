import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { StreamRecord as DynamoDBRecord } from '../../adapters/event-store/stream-records.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENESIS, type Commit, type NewEvent } from '../../domain/event-store.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { cascadeIndexStream, cascadeStream, enterpriseStream, mnoStream, policyStream, simStream } from '../../application/stream-ids.ts';
import { createProjector } from '../../adapters/read-models/projector.ts';
import { projectionOf } from '../../adapters/read-models/projections.ts';
import { enterprisesUsing, listCascades, listMnos, listSims, publishedPolicies } from '../../adapters/read-models/queries.ts';
import { applyCommits, initialOf, rowItem } from '../../adapters/read-models/rows.ts';
import { createTable } from '../../adapters/dynamodb/create-table.ts';
import { TABLES } from '../../manifest/tables.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { freshTables } from '../support/tables.ts';

let tables: Awaited<ReturnType<typeof freshTables>>;
let store: DynamoDbEventStore;
let table: string;
let projector: ReturnType<typeof createProjector>;
beforeAll(async () => {
  tables = await freshTables();
  store = new DynamoDbEventStore(tables.client, tables.events);
  table = `switchboard-read-models-${randomUUID().slice(0, 8)}`;
  await createTable(tables.client, TABLES.readModels, table);
  projector = createProjector({ client: tables.client, store, table });
});

let clock = Date.parse('2026-11-24T10:00:00.000Z');
const append = async (streamId: string, ...events: NewEvent[]) =>
  store.append(streamId, await store.head(streamId), events, { actor: 'alice', commandId: randomUUID(), correlationId: 'c', region: 'local', time: new Date((clock += 1000)).toISOString() });

/** The stream records DynamoDB would deliver for a stream's commits, read back from the event store. */
let sequence = 0;
const records = async (streamId: string): Promise<DynamoDBRecord[]> => {
  const { Items = [] } = await tables.client.send(new QueryCommand({ TableName: tables.events, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: streamId } } }));
  return Items.map((item) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(++sequence).padStart(21, '0'), NewImage: item as never } }));
};
const deliver = async (...batch: DynamoDBRecord[]) => expect(await projector.handler({ Records: batch })).toEqual({ batchItemFailures: [] });
const row = async (streamId: string) => (await tables.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: streamId } }, ConsistentRead: true }))).Item;

/** The row the whole stream folds to in one go: what every delivery order must end with. */
const expected = async (streamId: string) => {
  const target = projectionOf(streamId)!;
  return rowItem(target.projection, { streamId, ...target }, applyCommits(target.projection, initialOf(target.projection), (await store.load(streamId)).commits));
};

const newSim = async (tenant: string, mnos = ['vodafone-de'], extra: Record<string, unknown> = {}) => {
  const n = unique();
  const id = eid(n);
  const profiles = mnos.map((mno, i) => ({ iccid: iccid((n + i) % 1e12), mno, imsi: imsi((n + i) % 1e10), fallback: false }));
  await append(simStream(tenant, id), { type: 'SimRegistered', data: { eid: id, profiles, ...extra } });
  return id;
};

describe('projector: SIMs', () => {
  it('projects state, the MNOs of its profiles, version and time', async () => {
    const tenant = `t-${unique()}`;
    const id = await newSim(tenant, ['vodafone-de', 'orange-fr']);
    await append(simStream(tenant, id), { type: 'SimActivated', data: {} });
    await deliver(...(await records(simStream(tenant, id))));
    const { items } = await listSims(tables.client, table, tenant, { limit: 10 });
    expect(items).toEqual([{ eid: id, state: 'active', mnos: ['vodafone-de', 'orange-fr'], labels: [], enabledMno: 'vodafone-de', version: 2, updatedAt: new Date(clock).toISOString() }]);
    expect(await row(simStream(tenant, id))).toEqual(await expected(simStream(tenant, id)));
  });

  it('a commit delivered twice, or again later, changes nothing', async () => {
    const tenant = `t-${unique()}`;
    const stream = simStream(tenant, await newSim(tenant));
    await append(stream, { type: 'SimActivated', data: {} });
    const [first, second] = await records(stream);
    await deliver(first!, first!, second!, second!);
    const once = await row(stream);
    await deliver(first!);
    await deliver(second!, first!);
    expect(await row(stream)).toEqual(once);
    expect(once).toEqual(await expected(stream));
  });

  it('out of order: a later commit first is completed from the event store; the earlier ones then change nothing', async () => {
    const tenant = `t-${unique()}`;
    const stream = simStream(tenant, await newSim(tenant));
    await append(stream, { type: 'SimActivated', data: {} });
    await append(stream, { type: 'SimSuspended', data: { reason: 'audit' } });
    const [r1, r2, r3] = await records(stream);
    await deliver(r3!);
    expect(await row(stream)).toEqual(await expected(stream));
    await deliver(r2!, r1!);
    expect(await row(stream)).toEqual(await expected(stream));
    expect((await row(stream))!.status).toEqual({ S: 'suspended' });
  });

  it('a lost row is rebuilt whole on the next commit, and a stale writer cannot take a row back', async () => {
    const tenant = `t-${unique()}`;
    const stream = simStream(tenant, await newSim(tenant));
    await deliver(...(await records(stream)));
    await tables.client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: stream } } }));
    await append(stream, { type: 'SimActivated', data: {} });
    await deliver((await records(stream)).at(-1)!);
    expect(await row(stream)).toEqual(await expected(stream));
    const first = (await store.load(stream)).commits[0]!;
    await projector.projectStream(stream, [first]);
    expect((await row(stream))!.version).toEqual({ N: '2' });
  });

  it('two projectors delivering the same records at once agree', async () => {
    const tenant = `t-${unique()}`;
    const stream = simStream(tenant, await newSim(tenant));
    for (const type of ['SimActivated', 'SimSuspended', 'SimResumed', 'SimSuspended']) await append(stream, { type, data: {} });
    const all = await records(stream);
    const other = createProjector({ client: tables.client, store, table });
    await Promise.all([deliver(...all), other.handler({ Records: [...all].reverse() }), deliver(all[2]!, all[0]!)]);
    expect(await row(stream)).toEqual(await expected(stream));
  });

  it('labels carried by a registration are listed and filter the list', async () => {
    const tenant = `t-${unique()}`;
    const labelled = await newSim(tenant, ['vodafone-de'], { labels: ['fleet-a', 'cold-chain'] });
    const plain = await newSim(tenant, ['orange-fr']);
    await deliver(...(await records(simStream(tenant, labelled))), ...(await records(simStream(tenant, plain))));
    const byLabel = await listSims(tables.client, table, tenant, { label: 'fleet-a', limit: 10 });
    expect(byLabel.items.map((s) => [s.eid, s.labels])).toEqual([[labelled, ['fleet-a', 'cold-chain']]]);
    expect((await listSims(tables.client, table, tenant, { label: 'fleet', limit: 10 })).items).toEqual([]);
    expect((await listSims(tables.client, table, tenant, { mno: 'orange-fr', limit: 10 })).items.map((s) => s.eid)).toEqual([plain]);
  });
});

describe('projector: cascades and MNOs', () => {
  it('a cascade moves between status lists, with a summary of its targets', async () => {
    const tenant = `t-${unique()}`;
    const stream = cascadeStream(tenant, 'c-1');
    await append(stream, { type: 'CascadeStarted', data: { cascadeId: 'c-1', subject: { kind: 'policy', policyId: 'p', version: 1 }, targets: ['a', 'b'] } });
    await append(stream, { type: 'CascadeTargetApplying', data: { mno: 'a', attempt: 1 } }, { type: 'CascadeTargetApplied', data: { mno: 'a', at: 'x' } });
    await deliver(...(await records(stream)));
    const running = await listCascades(tables.client, table, tenant, { status: 'running', limit: 10 });
    expect(running.items.map((c) => [c.id, c.summary])).toEqual([['c-1', { applied: 1, pending: 1 }]]);
    await append(stream, { type: 'CascadeTargetVerified', data: { mno: 'a', at: 'y' } }, { type: 'CascadeTargetFailed', data: { mno: 'b', error: 'down', permanent: true } });
    await append(stream, { type: 'CascadeCompleted', data: { status: 'partial' } });
    await deliver(...(await records(stream)).slice(2));
    expect((await listCascades(tables.client, table, tenant, { status: 'running', limit: 10 })).items).toEqual([]);
    const [partial] = (await listCascades(tables.client, table, tenant, { status: 'partial', limit: 10 })).items;
    expect(partial).toMatchObject({ id: 'c-1', status: 'partial', subject: { kind: 'policy', policyId: 'p' }, summary: { verified: 1, failed: 1 }, version: 6 });
    expect(await row(stream)).toEqual(await expected(stream));
  });

  it('MNO status: verified, available until an outage', async () => {
    const id = `mno-${unique()}`;
    const registration = { id, name: id, plmns: ['262-01'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'http://127.0.0.1:9', credentialsRef: `secret://mno/${id}` }, capabilities: [] };
    await append(mnoStream(id), { type: 'MnoRegistered', data: registration });
    await append(mnoStream(id), { type: 'MnoVerified', data: { checks: {} } });
    await deliver(...(await records(mnoStream(id))));
    const find = async () => (await listMnos(tables.client, table, { limit: 100 })).items.find((m) => m.id === id);
    expect(await find()).toMatchObject({ status: 'verified', available: true, outage: null, version: 2 });
    await append(mnoStream(id), { type: 'MnoOutageDeclared', data: { reason: 'core network down' } });
    await deliver((await records(mnoStream(id))).at(-1)!);
    expect(await find()).toMatchObject({ status: 'verified', available: false, outage: 'core network down', version: 3 });
  });

  it('enterprises (with the MNOs each chose) and published policies are listed: what catch-up sweeps', async () => {
    const tenant = `t-${unique()}`;
    await append(enterpriseStream(tenant), { type: 'EnterpriseOnboarded', data: { tenantId: tenant, name: 'x' } }, { type: 'EnterpriseMnosChosen', data: { mnos: ['vodafone-de', 'orange-fr'] } });
    await append(policyStream(tenant, 'draft-only'), { type: 'PolicyDraftSet', data: { policyId: 'draft-only', document: {} } });
    await append(policyStream(tenant, 'fleet'), { type: 'PolicyDraftSet', data: { policyId: 'fleet', document: {} } }, { type: 'PolicyPublished', data: { policyId: 'fleet', version: 1, document: {}, cascadeId: 'c-1' } });
    await deliver(...(await records(enterpriseStream(tenant))), ...(await records(policyStream(tenant, 'draft-only'))), ...(await records(policyStream(tenant, 'fleet'))));
    expect(await enterprisesUsing(tables.client, table, 'orange-fr')).toContain(tenant);
    expect(await enterprisesUsing(tables.client, table, 'telia-se')).not.toContain(tenant);
    expect(await publishedPolicies(tables.client, table, tenant)).toEqual(['fleet']);
    await append(enterpriseStream(tenant), { type: 'EnterpriseSuspended', data: {} });
    await deliver(...(await records(enterpriseStream(tenant))));
    expect(await enterprisesUsing(tables.client, table, 'orange-fr')).not.toContain(tenant);
  });

  it('streams no read model shows are passed over; a failed write reports the earliest failed record', async () => {
    const tenant = `t-${unique()}`;
    await append(cascadeIndexStream(tenant), { type: 'CascadeListed', data: { cascadeId: 'c-1' } });
    await deliver(...(await records(cascadeIndexStream(tenant))));
    expect(await row(cascadeIndexStream(tenant))).toBeUndefined();
    const broken = createProjector({ client: tables.client, store, table: 'no-such-table' });
    const batch = [...(await records(cascadeIndexStream(tenant))), ...(await records(simStream(tenant, await newSim(tenant))))];
    expect(await broken.handler({ Records: batch })).toEqual({ batchItemFailures: [{ itemIdentifier: batch[1]!.dynamodb!.SequenceNumber }] });
  });
});
