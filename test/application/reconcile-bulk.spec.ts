import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { reconcileBulkOperations, MAX_BULK_RESUMES, type BulkReconcilePorts } from '../../application/bulk/reconcile.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import { bulkStream } from '../../application/stream-ids.ts';
import type { ExecutionSeen } from '../../application/cascades/reconcile.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import { BulkRequest } from '../../domain/bulk/request.ts';

/** Bulk operations whose execution was lost are resumed (application/bulk/reconcile.ts), once, and only when no execution of theirs can still act. */
let store: MemoryEventStore;
let executions: Map<string, ExecutionSeen>;
let started: { bulkId: string; attempt: number }[];
let now: number;
const ops = { actor: 'alice', correlationId: 'c', region: 'local' };
const ports = (): BulkReconcilePorts => ({
  store,
  open: async () => [{ tenant: 'acme', bulkId: 'bulk-0123456789' }],
  execution: async (bulkId, attempt) => executions.get(`${bulkId}-a${attempt}`),
  start: async ({ bulkId, attempt }) => void started.push({ bulkId, attempt }),
  region: 'local',
  now: () => now,
  graceMs: 60_000,
  settleMs: 120_000,
  executionTimeoutMs: 3_600_000,
});
const op = async () => (await loadState(store, bulkDecider, bulkStream('acme', 'bulk-0123456789'))).state as any;

beforeEach(async () => {
  store = new MemoryEventStore();
  executions = new Map();
  started = [];
  await executeCommand(store, bulkDecider, bulkStream('acme', 'bulk-0123456789'), { type: 'StartBulkOperation', bulkId: 'bulk-0123456789', request: BulkRequest.parse({ action: 'activate', selector: { label: 'a' } }), startedBy: 'alice' }, ops);
  now = Date.now();
});

describe('reconciling bulk operations', () => {
  it('leaves alone one whose execution runs, or has not had time to start', async () => {
    expect((await reconcileBulkOperations(ports())).resumed).toEqual([]);
    executions.set('bulk-0123456789-a0', { status: 'RUNNING' });
    now += 10 * 60_000;
    expect((await reconcileBulkOperations(ports())).resumed).toEqual([]);
  });

  it('resumes one whose execution never started, or failed and settled, under the next attempt, once', async () => {
    now += 10 * 60_000;
    expect((await reconcileBulkOperations(ports())).resumed).toEqual([{ tenant: 'acme', bulkId: 'bulk-0123456789', attempt: 1, was: 'NEVER_STARTED' }]);
    expect(started).toEqual([{ bulkId: 'bulk-0123456789', attempt: 1 }]);
    expect((await op()).attempt).toBe(1);
    // Its new execution failed a moment ago: its tasks may still run; later, resumed again.
    executions.set('bulk-0123456789-a1', { status: 'FAILED', stopDate: new Date(now - 1000) });
    expect((await reconcileBulkOperations(ports())).resumed).toEqual([]);
    now += 5 * 60_000;
    expect((await reconcileBulkOperations(ports())).resumed).toMatchObject([{ attempt: 2, was: 'FAILED' }]);
  });

  it('leaves one started in the other region to it until no execution of it can still run there', async () => {
    const other = { ...ports(), region: 'eu-central-1' };
    now += 10 * 60_000;
    expect((await reconcileBulkOperations(other)).resumed).toEqual([]);
    now += 2 * 3_600_000;
    expect((await reconcileBulkOperations(other)).resumed).toMatchObject([{ attempt: 1 }]);
  });

  it('two reconcilers at once resume it once', async () => {
    now += 10 * 60_000;
    const [a, b] = await Promise.all([reconcileBulkOperations(ports()), reconcileBulkOperations(ports())]);
    expect(a.resumed.length + b.resumed.length).toBe(1);
    expect(started).toHaveLength(1);
  });

  it('reports one resumed too often as stuck, and one ended as nothing to do', async () => {
    for (let attempt = 1; attempt <= MAX_BULK_RESUMES; attempt++) await executeCommand(store, bulkDecider, bulkStream('acme', 'bulk-0123456789'), { type: 'ResumeBulkOperation', attempt, was: 'FAILED' }, ops);
    now += 10 * 60_000;
    expect(await reconcileBulkOperations(ports())).toMatchObject({ resumed: [], stuck: [{ bulkId: 'bulk-0123456789' }] });
    await executeCommand(store, bulkDecider, bulkStream('acme', 'bulk-0123456789'), { type: 'CompleteBulkOperation', counts: { total: 0, succeeded: 0, failed: 0, skipped: 0 } }, ops);
    expect(await reconcileBulkOperations(ports())).toMatchObject({ resumed: [], stuck: [] });
  });
});
