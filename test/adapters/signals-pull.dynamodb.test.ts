import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbBatchIds } from '../../adapters/signals/dynamodb-batch-ids.ts';
import { dynamoDbPullState } from '../../adapters/signals/dynamodb-pull-state.ts';
import { dynamoDbUsageCounters } from '../../adapters/signals/dynamodb-usage-counters.ts';
import { controlCenterPull } from '../../adapters/signals/control-center-pull.ts';
import { pollMno, type PollPorts } from '../../application/signals/poll.ts';
import { BATCH_SEND_MS, type SignalBatch } from '../../application/signals/ports.ts';
import { startMnoSimulator, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';
import { pullStore } from '../../infra/local/mno-simulators/traffic-pull.ts';
import { TABLES } from '../../manifest/tables.ts';
import { iccid, imei } from '../support/ids.ts';
import { freshTables } from '../support/tables.ts';

/**
 * The pull path on its real parts: a simulated CMP serving Control Center's routes, the client, the
 * watermark and readings in the signals table on DynamoDB Local. A poll stopped midway (the queue
 * down), then a new process on the same table: every byte the CMP counted is queued once.
 */
let cmp: MnoSimulator;
const store = pullStore();
const A = iccid(71);
let table: string;
let tables: Awaited<ReturnType<typeof freshTables>>;
beforeAll(async () => {
  tables = await freshTables();
  table = `${TABLES.signals.name}-${tables.events.split('-').at(-1)}`;
  cmp = await startMnoSimulator({ id: 'east', style: 'async-jobs' });
  cmp.attachPull(store);
});
afterAll(() => cmp.stop());

const usage = (bytes: number) => store.deliver([{ type: 'usage', iccid: A, bytesUplink: bytes, bytesDownlink: 0, timestamp: new Date().toISOString() }]);
/** A process: its own adapters on the shared table; its queue may be down. */
const process = (queued: SignalBatch[], queueDown = false): PollPorts => ({
  state: dynamoDbPullState(tables.client, table),
  queue: { send: async (b) => (queueDown ? Promise.reject(new Error('queue down')) : void queued.push(b)) },
  batchIds: dynamoDbBatchIds(tables.client, table, Date.now, 7 * 24 * 3600_000),
  nowMs: Date.now,
});
const bytesOf = (batches: SignalBatch[]) => batches.flatMap((b) => b.signals).reduce((sum, s) => sum + (s.kind === 'usage' ? s.bytes : 0), 0);

describe('the pull path on DynamoDB Local', () => {
  it('resumes from its watermark and saved readings after a stop: nothing missed, nothing counted twice', async () => {
    const client = controlCenterPull({ endpoint: cmp.url, username: 'switchboard', apiKey: cmp.credentials.apiKey! });
    const queued: SignalBatch[] = [];
    await usage(1000);
    await store.deliver([{ type: 'session', iccid: A, event: 'attach', imei: imei(71), servingPlmn: '262-91', country: 'DE', timestamp: new Date().toISOString() }]);
    // The first process reads the device and saves its reading, but cannot queue: it stops there (the device left for the next poll to read again).
    const first = await pollMno(process([], true), client, 'east');
    expect(first).toMatchObject({ devices: 1, advanced: true });
    expect(first.failures).toHaveLength(1);
    await usage(500);
    // A restart: a new process, the same table.
    expect(await pollMno(process(queued), client, 'east')).toMatchObject({ devices: 1, failures: [], advanced: true });
    expect(bytesOf(queued)).toBe(1500);
    expect(queued.flatMap((b) => b.signals).filter((s) => s.kind === 'session')).toHaveLength(1);
    // Again, with nothing new: nothing queued.
    await new Promise((ok) => setTimeout(ok, 5));
    await pollMno(process(queued), client, 'east');
    expect(bytesOf(queued)).toBe(1500);
    const counters = dynamoDbUsageCounters(tables.client, table);
    expect(await counters.read('t', 'e', '2026-01')).toBeUndefined();
  });

  it('batch ids: taken once; while another sends it, in flight (not sent); a sender that stopped is taken over after BATCH_SEND_MS, and its late marks do not overwrite its successor’s; a sent one never again; a released one again', async () => {
    let now = 1_800_000_000_000;
    const ids = dynamoDbBatchIds(tables.client, table, () => now, 7 * 24 * 3600_000);
    const first = await ids.take('east', 'b1');
    expect(first.state).toBe('taken');
    expect(await ids.take('east', 'b1')).toEqual({ state: 'in-flight' });
    now += BATCH_SEND_MS + 1;
    const second = await ids.take('east', 'b1');
    expect(second.state).toBe('taken');
    // The stalled first sender gives it back late: the second's take stands.
    await ids.release('east', 'b1', (first as { token: string }).token);
    expect(await ids.take('east', 'b1')).toEqual({ state: 'in-flight' });
    await ids.confirm('east', 'b1', (second as { token: string }).token);
    now += 24 * 3600_000;
    expect(await ids.take('east', 'b1')).toEqual({ state: 'sent' });
    const b2 = await ids.take('east', 'b2');
    await ids.release('east', 'b2', (b2 as { token: string }).token);
    expect((await ids.take('east', 'b2')).state).toBe('taken');
  });
});
