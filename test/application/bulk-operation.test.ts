import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbBulkItems } from '../../adapters/bulk-items/dynamodb-bulk-items.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { completeBulk } from '../../application/bulk/complete.ts';
import { itemCommandId, processChunk } from '../../application/bulk/process-chunk.ts';
import type { BulkPorts } from '../../application/bulk/ports.ts';
import { CHUNK_SIZE, selectSims } from '../../application/bulk/resolve.ts';
import { startBulkOperation } from '../../application/bulk/start.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import { registerSim } from '../../application/sims/register.ts';
import { bulkStream, simStream } from '../../application/stream-ids.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import { BulkRequest } from '../../domain/bulk/request.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { mnoStream } from '../../application/stream-ids.ts';
import { TABLES } from '../../manifest/tables.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { freshTables } from '../support/tables.ts';

/**
 * A bulk operation's steps on DynamoDB Local, run as the state machine would run them — and as it
 * runs them when things go wrong: a chunk run twice, a SIM done before its chunk was cut short, a
 * chunk that never ran, a cancellation, a selection longer than one invocation's budget.
 */
let ports: BulkPorts;
let clock = 0;
const alice = { actor: 'alice', correlationId: 'c', region: 'local' };

beforeAll(async () => {
  const tables = await freshTables();
  const store = new DynamoDbEventStore(tables.client, tables.events);
  await seedMnosAndTenants(store, ['northwind-de', 'southwind-de'], ['acme']);
  for (const id of ['northwind-de', 'southwind-de']) await executeCommand(store, mnoDecider, mnoStream(id), { type: 'RecordVerification', checks: allChecksPassed() }, alice);
  ports = {
    store,
    items: dynamoDbBulkItems(tables.client, `${TABLES.bulkItems.name}-${tables.events.split('-').at(-1)}`),
    sims: async () => ({ eids: [] }),
    region: 'local',
    transactionId: () => 'ab12',
    orderId: () => `order-${unique()}0000`,
    nowMs: () => clock,
  };
});

const registered = async (n = 3) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = unique() % 1e9;
    await registerSim(ports.store, 'acme', { eid: eid(k), profiles: [{ iccid: iccid(k), mno: 'northwind-de', imsi: imsi(k), fallback: false }] }, alice);
    ids.push(eid(k));
  }
  return ids;
};
const start = async (body: unknown) => {
  const { state } = await startBulkOperation(ports.store, 'acme', BulkRequest.parse(body), alice);
  return (state as { bulkId: string }).bulkId;
};
const input = (bulkId: string) => ({ tenant: 'acme', bulkId, attempt: 0 });
const opOf = async (bulkId: string) => (await loadState(ports.store, bulkDecider, bulkStream('acme', bulkId))).state as any;

describe('a bulk operation’s steps, when things go wrong', () => {
  it('a chunk run again records nothing twice, and a SIM done before its chunk was cut short is counted done, not skipped', async () => {
    const ids = await registered(3);
    const bulkId = await start({ action: 'activate', selector: { eids: ids } });
    const selection = await selectSims(ports, input(bulkId));
    expect(selection).toEqual({ done: true, total: 3, chunks: [0] });
    // The first run got as far as one SIM's command, then its process died.
    await executeCommand(ports.store, simDecider, simStream('acme', ids[0]!), { type: 'ActivateSim', actor: 'alice' }, { ...alice, correlationId: bulkId, commandId: itemCommandId(bulkId, ids[0]!) });
    expect(await processChunk(ports, { ...input(bulkId), chunk: 0 })).toEqual({ chunk: 0, recorded: true });
    expect(await processChunk(ports, { ...input(bulkId), chunk: 0 })).toEqual({ chunk: 0, recorded: false });
    expect(await completeBulk(ports, input(bulkId))).toEqual({ status: 'succeeded' });
    expect((await opOf(bulkId)).counts).toEqual({ total: 3, succeeded: 3, failed: 0, skipped: 0 });
    // One activation per SIM: the earlier run's command was not given again.
    const events = eventsOf((await ports.store.load(simStream('acme', ids[0]!))).commits).map((e) => e.type);
    expect(events.filter((t) => t === 'SimActivated')).toHaveLength(1);
    expect(await completeBulk(ports, input(bulkId))).toEqual({ status: 'succeeded' });
  });

  it('a chunk that never ran has its SIMs failed at completion, saying why; the rest keep their outcomes', async () => {
    const ids = await registered(CHUNK_SIZE + 2);
    const bulkId = await start({ action: 'set-labels', selector: { eids: ids }, labels: ['x'] });
    const selection = await selectSims(ports, input(bulkId));
    expect(selection).toEqual({ done: true, total: CHUNK_SIZE + 2, chunks: [0, 1] });
    await processChunk(ports, { ...input(bulkId), chunk: 1 });
    expect(await completeBulk(ports, { ...input(bulkId), error: { Error: 'States.ExceedToleratedFailureThreshold' } })).toEqual({ status: 'partial' });
    expect((await opOf(bulkId)).counts).toEqual({ total: CHUNK_SIZE + 2, succeeded: 2, failed: CHUNK_SIZE, skipped: 0 });
    const { items } = await ports.items.page(bulkStream('acme', bulkId), { outcome: 'failed', limit: 1 });
    expect(items[0]!.outcome).toEqual({ outcome: 'failed', code: 'not-processed', reason: 'its chunk did not run to the end (States.ExceedToleratedFailureThreshold)' });
  });

  it('a cancelled operation’s chunks skip their SIMs; it ends cancelled, and what ran before stays done', async () => {
    const ids = await registered(2);
    const bulkId = await start({ action: 'activate', selector: { eids: ids } });
    await selectSims(ports, input(bulkId));
    await executeCommand(ports.store, bulkDecider, bulkStream('acme', bulkId), { type: 'CancelBulkOperation', by: 'bob', reason: 'wrong fleet' }, alice);
    await processChunk(ports, { ...input(bulkId), chunk: 0 });
    expect(await completeBulk(ports, input(bulkId))).toEqual({ status: 'cancelled' });
    expect((await opOf(bulkId)).counts).toEqual({ total: 2, succeeded: 0, failed: 0, skipped: 2 });
    const { items } = await ports.items.page(bulkStream('acme', bulkId), { limit: 5 });
    expect(items.map((i) => i.outcome)).toEqual([
      { outcome: 'skipped', code: 'cancelled', reason: 'the operation was cancelled by bob' },
      { outcome: 'skipped', code: 'cancelled', reason: 'the operation was cancelled by bob' },
    ]);
    expect((await loadState(ports.store, simDecider, simStream('acme', ids[0]!))).state.status).toBe('inventory');
  });

  it('a selection longer than one invocation’s budget goes on from where it stopped, and the manifest is whole', async () => {
    const ids = await registered(3);
    const pages = [ids.slice(0, 1), ids.slice(1, 2), ids.slice(2)];
    let asked = 0;
    const slow: BulkPorts = {
      ...ports,
      sims: async (_tenant, _filter, q) => {
        const at = q.after === undefined ? 0 : Number(q.after);
        asked++;
        clock += 15_000; // each page takes 15 s
        return { eids: pages[at]!, ...(at + 1 < pages.length && { next: String(at + 1) }) };
      },
    };
    const bulkId = await start({ action: 'activate', selector: { label: 'anything' } });
    const first = await selectSims(slow, input(bulkId));
    expect(first).toEqual({ done: false, total: 2, chunks: 2, cursor: '2' });
    const second = await selectSims(slow, { ...input(bulkId), selection: { total: first.total, chunks: first.chunks as number, cursor: first.cursor } });
    expect(second).toEqual({ done: true, total: 3, chunks: [0, 1, 2] });
    expect(asked).toBe(3);
    expect((await opOf(bulkId)).manifest).toEqual({ total: 3, chunks: 3 });
    expect((await ports.items.page(bulkStream('acme', bulkId), { outcome: 'pending', limit: 10 })).items.map((i) => i.eid)).toEqual(ids);
  });

  it('two runs of one chunk at once (a retry beside a run Step Functions gave up on): one records it; rows and counts agree, each SIM once and succeeded', async () => {
    const ids = await registered(6);
    const bulkId = await start({ action: 'activate', selector: { eids: ids } });
    await selectSims(ports, input(bulkId));
    const runs = await Promise.all([processChunk(ports, { ...input(bulkId), chunk: 0 }), processChunk(ports, { ...input(bulkId), chunk: 0 })]);
    expect(runs.map((r) => r.recorded).sort()).toEqual([false, true]);
    const counts = await ports.items.counts(bulkStream('acme', bulkId));
    const { items } = await ports.items.page(bulkStream('acme', bulkId), { limit: 10 });
    expect(counts).toMatchObject({ succeeded: 6, failed: 0, skipped: 0 });
    expect(items.map((i) => i.outcome?.outcome)).toEqual(Array(6).fill('succeeded'));
    for (const id of ids) expect(eventsOf((await ports.store.load(simStream('acme', id))).commits).filter((e) => e.type === 'SimActivated')).toHaveLength(1);
  });

  it('a client cannot make a SIM look done by sending the operation’s id as its correlation id', async () => {
    const [id] = await registered(1);
    const bulkId = await start({ action: 'set-labels', selector: { eids: [id!] }, labels: ['y'] });
    await executeCommand(ports.store, simDecider, simStream('acme', id!), { type: 'SetSimLabels', actor: 'mallory', labels: ['z'] }, { ...alice, correlationId: bulkId });
    await selectSims(ports, input(bulkId));
    await processChunk(ports, { ...input(bulkId), chunk: 0 });
    expect((await loadState(ports.store, simDecider, simStream('acme', id!))).state).toMatchObject({ labels: ['y'] });
  });

  it('a selection run again from the same input writes the chunk as it now is: a SIM the first run wrote and the second does not find is not in it', async () => {
    const ids = await registered(3);
    let page = ids;
    const changing: BulkPorts = { ...ports, sims: async () => ({ eids: page }) };
    const bulkId = await start({ action: 'activate', selector: { label: 'changing' } });
    await ports.items.addChunk(bulkStream('acme', bulkId), 0, page); // the first run got as far as the chunk, then died
    page = ids.slice(1);
    expect(await selectSims(changing, input(bulkId))).toEqual({ done: true, total: 2, chunks: [0] });
    expect((await ports.items.chunk(bulkStream('acme', bulkId), 0)).items.map((i) => i.eid)).toEqual(ids.slice(1));
  });

  it('an operation that selects another’s SIMs waits until that one has ended', async () => {
    const ids = await registered(1);
    const source = await start({ action: 'activate', selector: { eids: ids } });
    const bulkId = await start({ action: 'suspend', selector: { operation: source, outcome: 'succeeded' } });
    await expect(selectSims(ports, input(bulkId))).rejects.toMatchObject({ name: 'SourceOperationRunning' });
  });

  it('an operation whose SIMs could not be selected completes failed, saying why', async () => {
    const bulkId = await start({ action: 'activate', selector: { label: 'x' } });
    expect(await completeBulk(ports, { ...input(bulkId), error: { Error: 'ThrottlingException' } })).toEqual({ status: 'failed' });
    expect((await opOf(bulkId)).error).toBe('the selector could not be resolved (ThrottlingException)');
  });
});

describe('two operations on the same SIMs at once', () => {
  it('the one that finds its work done by the other meanwhile skips, it does not fail (the eUICC would refuse the same switch twice)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const k = unique() % 1e9;
      await registerSim(ports.store, 'acme', { eid: eid(k), profiles: [{ iccid: iccid(k), mno: 'northwind-de', imsi: imsi(k), fallback: false }, { iccid: iccid(k + 1), mno: 'southwind-de', imsi: imsi(k + 1), fallback: true }] }, alice);
      ids.push(eid(k));
    }
    const [a, b] = [await start({ action: 'enable-profile', selector: { eids: ids }, mno: 'southwind-de' }), await start({ action: 'enable-profile', selector: { eids: ids }, mno: 'southwind-de' })];
    await Promise.all([selectSims(ports, input(a)), selectSims(ports, input(b))]);
    await Promise.all([processChunk(ports, { ...input(a), chunk: 0 }), processChunk(ports, { ...input(b), chunk: 0 })]);
    const [ca, cb] = [await ports.items.counts(bulkStream('acme', a)), await ports.items.counts(bulkStream('acme', b))];
    expect(ca.failed + cb.failed).toBe(0);
    expect(ca.succeeded + cb.succeeded).toBe(4);
  });
});

describe('an execution the reconciler replaced', () => {
  it('selects, runs and completes nothing: the later attempt does', async () => {
    const ids = await registered(2);
    const bulkId = await start({ action: 'activate', selector: { eids: ids } });
    await executeCommand(ports.store, bulkDecider, bulkStream('acme', bulkId), { type: 'ResumeBulkOperation', attempt: 1, was: 'ABORTED' }, alice);
    expect(await selectSims(ports, input(bulkId))).toEqual({ done: true, total: 0, chunks: [] });
    const current = { ...input(bulkId), attempt: 1 };
    await selectSims(ports, current);
    expect(await processChunk(ports, { ...input(bulkId), chunk: 0 })).toEqual({ chunk: 0, recorded: false });
    expect(await completeBulk(ports, input(bulkId))).toEqual({ status: 'running' });
    expect(await processChunk(ports, { ...current, chunk: 0 })).toEqual({ chunk: 0, recorded: true });
    expect(await completeBulk(ports, current)).toEqual({ status: 'succeeded' });
  });
});
