import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { reconcileCascades, type ReconcilePorts } from '../../application/cascades/reconcile.ts';
import { cascadeStream } from '../../application/stream-ids.ts';
import { cascadeDecider, type CascadeCommand } from '../../domain/cascade/decider.ts';
import { eventsOf } from '../../domain/event-store.ts';

/**
 * The reconciler (application/cascades/reconcile.ts): every cascade that is running without a
 * live execution is resumed, once, under the next attempt's name; the others are left alone.
 */
const context = { actor: 'test', correlationId: 'c', region: 'local' };
const subject = { kind: 'policy' as const, policyId: 'fleet', version: 1 };

const setup = async (...ids: string[]) => {
  const store = new MemoryEventStore();
  for (const id of ids) {
    await executeCommand(store, cascadeDecider, cascadeStream('acme', id), { type: 'StartCascade', cascadeId: id, subject, targets: ['a'] }, context);
  }
  const statuses = new Map<string, string>();
  const started: string[] = [];
  const ports = (over: Partial<ReconcilePorts> = {}): ReconcilePorts => ({
    store,
    open: async () => ids.map((cascadeId) => ({ tenant: 'acme', cascadeId })),
    executionStatus: async (name) => statuses.get(name),
    start: async (_tenant, cascadeId, round, attempt) => void started.push(`${cascadeId} r${round} a${attempt}`),
    region: 'local',
    now: () => Date.now(),
    graceMs: 60_000,
    executionTimeoutMs: 3_600_000,
    ...over,
  });
  const command = (id: string, c: CascadeCommand) => executeCommand(store, cascadeDecider, cascadeStream('acme', id), c, context);
  const events = async (id: string) => eventsOf((await store.load(cascadeStream('acme', id))).commits).map((e) => e.type);
  return { store, statuses, started, ports, command, events };
};

describe('reconciling running cascades', () => {
  it('given a running execution, then nothing is resumed', async () => {
    const { statuses, started, ports } = await setup('c1');
    statuses.set('c1', 'RUNNING');
    expect(await reconcileCascades(ports())).toEqual({ checked: 1, resumed: [] });
    expect(started).toEqual([]);
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])('given an execution that ended %s while the cascade runs, then the round runs again as attempt 1', async (status) => {
    const { statuses, started, ports, events } = await setup('c1');
    statuses.set('c1', status);
    const result = await reconcileCascades(ports());
    expect(result.resumed).toEqual([{ tenant: 'acme', cascadeId: 'c1', round: 1, attempt: 1, was: 'c1', status }]);
    expect(started).toEqual(['c1 r1 a1']);
    expect(await events('c1')).toEqual(['CascadeStarted', 'CascadeResumed']);
  });

  it('given no execution at all, then it waits out the grace (its start may be on its way), and resumes after', async () => {
    const { started, ports } = await setup('c1');
    expect((await reconcileCascades(ports())).resumed).toEqual([]);
    const later = await reconcileCascades(ports({ now: () => Date.now() + 60_001 }));
    expect(later.resumed).toMatchObject([{ cascadeId: 'c1', attempt: 1, status: 'none' }]);
    expect(started).toEqual(['c1 r1 a1']);
  });

  it('given the resumed attempt is gone too, then the next attempt runs; a redriven round is named for its round', async () => {
    const { statuses, started, ports } = await setup('c1');
    statuses.set('c1', 'ABORTED').set('c1-a1', 'FAILED');
    await reconcileCascades(ports());
    await reconcileCascades(ports());
    expect(started).toEqual(['c1 r1 a1', 'c1 r1 a2']);
  });

  it('given a cascade that finished (the read model lags), then it is left alone', async () => {
    const { statuses, started, ports, command } = await setup('c1');
    await command('c1', { type: 'CompleteCascade', targets: [{ mno: 'a', status: 'verified', attempts: 1 }] });
    statuses.set('c1', 'ABORTED');
    expect((await reconcileCascades(ports())).resumed).toEqual([]);
    expect(started).toEqual([]);
  });

  it('given two reconcilers at once (a slow run and the next, or two instances), then the round is resumed once', async () => {
    const { statuses, started, ports, events } = await setup('c1', 'c2');
    statuses.set('c1', 'ABORTED').set('c2', 'FAILED');
    const [one, two] = await Promise.all([reconcileCascades(ports()), reconcileCascades(ports())]);
    expect(one!.resumed.length + two!.resumed.length).toBe(2);
    expect(started.sort()).toEqual(['c1 r1 a1', 'c2 r1 a1']);
    expect(await events('c1')).toEqual(['CascadeStarted', 'CascadeResumed']);
  });

  it('given a round another region began, then it is left to that region until no execution of it can still run; then (the region was lost) it is resumed here', async () => {
    const { started, ports, events } = await setup('c1');
    const elsewhere = ports({ region: 'eu-central-1', now: () => Date.now() + 60_001 });
    expect((await reconcileCascades(elsewhere)).resumed).toEqual([]);
    const afterTimeout = ports({ region: 'eu-central-1', now: () => Date.now() + 3_600_000 + 60_001 });
    expect((await reconcileCascades(afterTimeout)).resumed).toMatchObject([{ cascadeId: 'c1', attempt: 1 }]);
    expect(started).toEqual(['c1 r1 a1']);
    expect(await events('c1')).toEqual(['CascadeStarted', 'CascadeResumed']);
  });

  it('given a start that fails, then the next run starts the resumed attempt (its execution is not there)', async () => {
    const { statuses, started, ports } = await setup('c1');
    statuses.set('c1', 'ABORTED');
    await expect(reconcileCascades(ports({ start: async () => Promise.reject(new Error('throttled')) }))).rejects.toThrow('throttled');
    const result = await reconcileCascades(ports({ now: () => Date.now() + 60_001 }));
    expect(result.resumed).toMatchObject([{ cascadeId: 'c1', attempt: 2, was: 'c1-a1', status: 'none' }]);
    expect(started).toEqual(['c1 r1 a2']);
  });
});
