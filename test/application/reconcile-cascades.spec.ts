import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { MAX_RESUMES, reconcileCascades, type ReconcilePorts } from '../../application/cascades/reconcile.ts';
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
  const stopped = new Map<string, Date>();
  const started: string[] = [];
  const ports = (over: Partial<ReconcilePorts> = {}): ReconcilePorts => ({
    store,
    open: async () => ids.map((cascadeId) => ({ tenant: 'acme', cascadeId })),
    execution: async (name) => (statuses.has(name) ? { status: statuses.get(name)!, stopDate: stopped.get(name) } : undefined),
    start: async (_tenant, cascadeId, round, attempt) => void started.push(`${cascadeId} r${round} a${attempt}`),
    region: 'local',
    now: () => Date.now(),
    graceMs: 60_000,
    settleMs: 120_000,
    executionTimeoutMs: 3_600_000,
    ...over,
  });
  const command = (id: string, c: CascadeCommand) => executeCommand(store, cascadeDecider, cascadeStream('acme', id), c, context);
  const events = async (id: string) => eventsOf((await store.load(cascadeStream('acme', id))).commits).map((e) => e.type);
  return { store, statuses, stopped, started, ports, command, events };
};

describe('reconciling running cascades', () => {
  it('given a running execution, then nothing is resumed', async () => {
    const { statuses, started, ports } = await setup('c1');
    statuses.set('c1', 'RUNNING');
    expect(await reconcileCascades(ports())).toEqual({ checked: 1, resumed: [], stuck: [], errors: [] });
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

  it('given an execution waiting to be redriven, then it counts as live', async () => {
    const { statuses, started, ports } = await setup('c1');
    statuses.set('c1', 'PENDING_REDRIVE');
    expect((await reconcileCascades(ports())).resumed).toEqual([]);
    expect(started).toEqual([]);
  });

  it('given an execution that stopped a moment ago, then its round waits until its tasks can no longer be running', async () => {
    const { statuses, stopped, started, ports } = await setup('c1');
    statuses.set('c1', 'TIMED_OUT');
    stopped.set('c1', new Date());
    expect((await reconcileCascades(ports())).resumed).toEqual([]);
    expect((await reconcileCascades(ports({ now: () => Date.now() + 120_001 }))).resumed).toMatchObject([{ cascadeId: 'c1', attempt: 1 }]);
    expect(started).toEqual(['c1 r1 a1']);
  });

  it(`given a round resumed ${MAX_RESUMES} times, then it is reported stuck, not resumed again`, async () => {
    const { statuses, started, ports, command } = await setup('c1');
    for (let gone = 0; gone < MAX_RESUMES; gone++) await command('c1', { type: 'ResumeCascade', round: 1, gone });
    statuses.set(`c1-a${MAX_RESUMES}`, 'FAILED');
    expect(await reconcileCascades(ports())).toMatchObject({ resumed: [], stuck: [{ cascadeId: 'c1', round: 1, attempt: MAX_RESUMES }] });
    expect(started).toEqual([]);
  });

  it('given one cascade that cannot be checked (a throttled call), then the others are still reconciled', async () => {
    const { statuses, started, ports } = await setup('c1', 'c2');
    statuses.set('c1', 'ABORTED').set('c2', 'ABORTED');
    const flaky = ports({ execution: async (name) => (name === 'c1' ? Promise.reject(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })) : { status: 'ABORTED' }) });
    expect(await reconcileCascades(flaky)).toMatchObject({ resumed: [{ cascadeId: 'c2' }], errors: [{ cascadeId: 'c1', error: 'ThrottlingException' }] });
    expect(started).toEqual(['c2 r1 a1']);
  });

  it('given a round another region began, then it is left to that region until no execution of it can still run; then (the region was lost) it is resumed here', async () => {
    const { started, ports, events } = await setup('c1');
    const elsewhere = ports({ region: 'eu-central-1', now: () => Date.now() + 60_001 });
    expect((await reconcileCascades(elsewhere)).resumed).toEqual([]);
    const afterTimeout = ports({ region: 'eu-central-1', now: () => Date.now() + 3_600_000 + 60_000 + 120_001 });
    expect((await reconcileCascades(afterTimeout)).resumed).toMatchObject([{ cascadeId: 'c1', attempt: 1 }]);
    expect(started).toEqual(['c1 r1 a1']);
    expect(await events('c1')).toEqual(['CascadeStarted', 'CascadeResumed']);
  });

  it('given a start that fails, then the next run starts the resumed attempt (its execution is not there)', async () => {
    const { statuses, started, ports } = await setup('c1');
    statuses.set('c1', 'ABORTED');
    expect(await reconcileCascades(ports({ start: async () => Promise.reject(new Error('throttled')) }))).toMatchObject({ resumed: [], errors: [{ cascadeId: 'c1' }] });
    const result = await reconcileCascades(ports({ now: () => Date.now() + 60_001 }));
    expect(result.resumed).toMatchObject([{ cascadeId: 'c1', attempt: 2, was: 'c1-a1', status: 'none' }]);
    expect(started).toEqual(['c1 r1 a2']);
  });
});
