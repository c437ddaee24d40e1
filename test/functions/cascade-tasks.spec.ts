import { describe, expect, it, vi } from 'vitest';
import { liveCascade } from '../../application/cascades/live.ts';
import { simCascadeId } from '../../application/cascades/cascade-ids.ts';
import { executeCommand } from '../../application/command.ts';
import { redriveCascade } from '../../application/cascades/redrive.ts';
import { publishPolicy } from '../../application/policies/publish.ts';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { cascadeStream, policyStream } from '../../application/stream-ids.ts';
import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { eventFunctionId } from '../../manifest/entry-points.ts';
import { cascadeFixture } from '../support/cascade-fixture.ts';
import { invokeEntry } from '../support/invoke.ts';

/**
 * The cascade's task handlers as the state machine invokes them (input parsed, middleware and all),
 * one after another as the ASL would for one MNO, on the in-memory event store and a simulated CMP
 * in this process. The integration tier runs the same on the local Step Functions engine.
 */
const fixture = cascadeFixture();
const { store, context, tenant, publish, task, applyAndVerify } = fixture;

describe('cascade tasks on the in-memory event store', () => {
  it('plan → apply (read back at once) → complete: the MNO holds the policy, the cascade succeeded', async () => {
    const cascadeId = await publish('fleet', { data: { apns: ['iot.acme'] }, imeiLock: true });
    const planned = await task('PlanCascade', { tenant, cascadeId, round: 1 });
    // Each work item carries what its steps would each read again: the subject, the MNO's registration, the older cascades to look at, the target's new stream.
    expect(planned.work).toMatchObject([
      { tenant, cascadeId, round: 1, attempt: 0, mno: 'northwind-de', subject: { kind: 'policy', policyId: 'fleet', version: 1 }, registration: { id: 'northwind-de' }, older: [], target: { version: 0, status: 'pending', attempts: 0 } },
    ]);
    // Of the registration, only what reaching the CMP takes (an execution's state is limited to 256 KiB, and an enterprise's MNOs are many).
    expect(Object.keys(planned.work[0].registration).sort()).toEqual(['api', 'capabilities', 'id']);
    // A synchronous CMP answered at once and read back in the same step: the iteration ends verified (no VerifyOnMno).
    expect(await task('ApplyToMno', planned.work[0])).toMatchObject({ mno: 'northwind-de', verified: true, target: { status: 'verified' } });
    expect(await task('CompleteCascade', { tenant, cascadeId, work: planned.work })).toMatchObject({ status: 'succeeded' });
    expect(fixture.cmp.state().profiles[`${tenant}.fleet`]).toBeDefined();
    const { state } = await liveCascade(store, tenant, cascadeId);
    expect(state).toMatchObject({ status: 'succeeded', targets: [{ mno: 'northwind-de', status: 'verified', attempts: 1 }] });
  });

  it('a step run again with the input it had (the target it carries now behind its stream) reads the stream: nothing is submitted or recorded twice', async () => {
    const cascadeId = await publish('again', { imeiLock: true });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    expect(await task('ApplyToMno', work)).toMatchObject({ verified: true, target: { status: 'verified', version: 3 } });
    const calls = fixture.cmp.state().calls;
    // Step Functions retries a task with the input it had (say its Lambda died after recording, before answering): its round has ended.
    expect(await task('ApplyToMno', work)).toMatchObject({ done: true, finished: true });
    expect(fixture.cmp.state().calls).toBe(calls);
    const events = (await store.load(`T#${tenant}#CASCADE#${cascadeId}#R1#MNO#northwind-de`)).commits.flatMap((c) => c.events.map((e) => e.type));
    expect(events).toEqual(['CascadeTargetApplying', 'CascadeTargetApplied', 'CascadeTargetVerified']);
  });

  it('a step that finds neither the cascade nor the policy moved since planning reads neither again (one read of both); a moved one is read', async () => {
    const cascadeId = await publish('unmoved', { imeiLock: true });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    expect(work.heads).toEqual({ cascade: (await store.head(`T#${tenant}#CASCADE#${cascadeId}`)).version, subject: (await store.head(`T#${tenant}#POLICY#unmoved`)).version });
    const loads = vi.spyOn(store, 'load');
    const moved = vi.spyOn(store, 'movedPast');
    try {
      expect(await task('ApplyToMno', work)).toMatchObject({ verified: true });
      expect(moved).toHaveBeenCalledTimes(1);
      expect(loads.mock.calls.map(([stream]) => stream)).not.toContain(`T#${tenant}#CASCADE#${cascadeId}`);
      // The cascade moved (say the reconciler resumed it, or it was cancelled): the step reads it before anything is submitted.
      const other = await publish('moved', { imeiLock: true });
      const [next] = (await task('PlanCascade', { tenant, cascadeId: other, round: 1 })).work;
      loads.mockClear();
      expect(await task('ApplyToMno', { ...next, heads: { ...next.heads, cascade: next.heads.cascade - 1 } })).toMatchObject({ verified: true });
      expect(loads.mock.calls.map(([stream]) => stream)).toContain(`T#${tenant}#CASCADE#${other}`);
    } finally {
      loads.mockRestore();
      moved.mockRestore();
    }
  });

  it('completion takes a target’s end from the Map’s results without reading its stream; one not ended there is read', async () => {
    const cascadeId = await publish('results', { imeiLock: true });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    const verified = await applyAndVerify(work);
    expect(verified).toMatchObject({ mno: 'northwind-de', verified: true, target: { status: 'verified', version: 3 } });
    const targetStream = `T#${tenant}#CASCADE#${cascadeId}#R1#MNO#northwind-de`;
    const loads = vi.spyOn(store, 'load');
    try {
      // An iteration whose last result is not an end (said applied) is read: its stream says verified.
      const notEnded = await task('CompleteCascade', { tenant, cascadeId, round: 1, results: [{ ...verified, target: { ...verified.target, status: 'applied' } }] });
      expect(loads.mock.calls.map(([stream]) => stream)).toContain(targetStream);
      expect(notEnded).toMatchObject({ status: 'succeeded' });
    } finally {
      loads.mockRestore();
    }
    const again = await publish('results', { imeiLock: true, data: { apns: ['x'] } });
    const [next] = (await task('PlanCascade', { tenant, cascadeId: again, round: 1 })).work;
    const ended = await applyAndVerify(next);
    const reads = vi.spyOn(store, 'load');
    try {
      expect(await task('CompleteCascade', { tenant, cascadeId: again, round: 1, results: [ended] })).toMatchObject({ status: 'succeeded' });
      expect(reads.mock.calls.map(([stream]) => stream).filter((s) => s.includes('#MNO#'))).toEqual([]);
    } finally {
      reads.mockRestore();
    }
    expect((await liveCascade(store, tenant, again)).state).toMatchObject({ status: 'succeeded', targets: [{ status: 'verified', attempts: 1 }] });
  });

  it('a repeated execution applies nothing more: the target’s round has ended', async () => {
    const cascadeId = await publish('repeat', { imeiLock: true });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    await applyAndVerify(work);
    await task('CompleteCascade', { tenant, cascadeId });
    const calls = fixture.cmp.state().calls;
    expect(await task('PlanCascade', { tenant, cascadeId, round: 1 })).toMatchObject({ work: [] });
    expect(await task('ApplyToMno', work)).toMatchObject({ finished: true });
    expect(fixture.cmp.state().calls).toBe(calls);
  });

  it('an execution the reconciler replaced (a later attempt resumed the round) plans, submits, fails and completes nothing', async () => {
    const cascadeId = await publish('replaced', { imeiLock: true });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    await executeCommand(store, cascadeDecider, cascadeStream(tenant, cascadeId), { type: 'ResumeCascade', round: 1, gone: 0 }, context);
    const calls = fixture.cmp.state().calls;
    expect(await task('PlanCascade', { tenant, cascadeId, round: 1, attempt: 0 })).toMatchObject({ work: [] });
    expect(await task('ApplyToMno', work)).toMatchObject({ finished: true });
    await task('RecordFailure', { ...work, error: { Error: 'States.Timeout', Cause: 'stale' } });
    expect(await task('CompleteCascade', { tenant, cascadeId, round: 1, attempt: 0 })).toMatchObject({ status: 'running' });
    expect(fixture.cmp.state().calls).toBe(calls);
    // The resumed attempt carries the round to its end.
    const [resumed] = (await task('PlanCascade', { tenant, cascadeId, round: 1, attempt: 1 })).work;
    await applyAndVerify(resumed);
    expect(await task('CompleteCascade', { tenant, cascadeId, round: 1, attempt: 1 })).toMatchObject({ status: 'succeeded' });
  });

  /** A cascade whose one target the MNO refused (permanent), recorded by RecordFailure, not completed yet. */
  const refusedCascade = async (policyId: string) => {
    const cascadeId = await publish(policyId, { data: { apns: ['iot.acme'] } });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    fixture.cmp.setFaults({ reject: true });
    const error = await task('ApplyToMno', work).catch((e: Error) => e);
    fixture.cmp.setFaults({});
    await task('RecordFailure', { ...work, error: { Error: 'MnoPermanentError', Cause: (error as Error).message } });
    return { cascadeId, error };
  };

  it('what the MNO refuses fails the target at once (permanent), recorded by RecordFailure', async () => {
    const { cascadeId, error } = await refusedCascade('refused');
    expect(error).toMatchObject({ name: 'MnoPermanentError' });
    expect(await task('CompleteCascade', { tenant, cascadeId })).toMatchObject({ status: 'failed' });
  });

  it('a step that reads its stream to decide appends after what it read: completion and redrive read the cascade’s stream once', async () => {
    const { cascadeId } = await refusedCascade('once');
    const stream = cascadeStream(tenant, cascadeId);
    const loads = vi.spyOn(store, 'load');
    try {
      expect(await task('CompleteCascade', { tenant, cascadeId, round: 1 })).toMatchObject({ status: 'failed' });
      expect(loads.mock.calls.filter(([s]) => s === stream)).toHaveLength(1);
      loads.mockClear();
      expect(await redriveCascade(store, tenant, cascadeId, context)).toMatchObject({ changed: true, state: { status: 'running', round: 2 } });
      expect(loads.mock.calls.filter(([s]) => s === stream)).toHaveLength(1);
    } finally {
      loads.mockRestore();
    }
  });

  it('publishing records the new cascade without reading its stream, and starts its execution once the cascade is recorded, while the index is appended to', async () => {
    await executeCommand(store, policyDecider, policyStream(tenant, 'started'), { type: 'SetPolicyDraft', policyId: 'started', document: { imeiLock: true } as never, actor: 'alice' }, context);
    const order: string[] = [];
    const appends = vi.spyOn(store, 'append');
    appends.mockImplementation(async function (this: typeof store, ...args) {
      order.push(args[0]);
      return MemoryEventStore.prototype.append.apply(this, args);
    });
    const loads = vi.spyOn(store, 'load');
    try {
      const start = async (_tenant: string, id: string) => void order.push(`start ${id}`);
      const { cascadeId } = await publishPolicy(store, tenant, 'started', 'c-started', context, start);
      expect(cascadeId).toBe('c-started');
      expect(order).toEqual([policyStream(tenant, 'started'), cascadeStream(tenant, 'c-started'), 'start c-started', `T#${tenant}#CASCADES`]);
      expect(loads.mock.calls.map(([s]) => s)).not.toContain(cascadeStream(tenant, 'c-started'));
      // Recorded again (a publish retried after it failed past PolicyPublished): the put finds the stream there, reads it, and records nothing.
      order.length = 0;
      expect(await publishPolicy(store, tenant, 'started', 'c-other', context, start)).toMatchObject({ cascadeId: 'c-started', changed: false });
      expect(order).toEqual([cascadeStream(tenant, 'c-started')]);
      expect((await store.load(cascadeStream(tenant, 'c-started'))).commits).toHaveLength(1);
    } finally {
      appends.mockRestore();
      loads.mockRestore();
    }
  });

  it('a malformed work item is refused before the step runs, naming the field', async () => {
    const error = await task('ApplyToMno', { tenant, cascadeId: 'c-fleet', round: 1 }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InvalidInput' });
    expect((error as Error).message).toContain('mno');
    const noTenant = await task('PlanCascade', { cascadeId: 'c-fleet' }).catch((e: Error) => e);
    expect((noTenant as Error).message).toContain('tenant');
  });
});

describe('rule targets on the in-memory event store', () => {
  const busEvent = (detailType: string, detail: object) => ({
    version: '0',
    id: 'evt-1',
    'detail-type': detailType,
    source: 'switchboard',
    account: '000000000000',
    time: '2026-12-04T10:00:00Z',
    region: 'local',
    resources: [],
    detail,
  });

  it('plan-sim-cascade records a cascade to the MNOs of the SIM’s profiles, once however often delivered', async () => {
    const eid = '89049032000000000000000000000163';
    const streamId = `T#${tenant}#SIM#${eid}`;
    await executeCommand(store, (await import('../../domain/sim/decider.ts')).simDecider, streamId, {
      type: 'RegisterSim', actor: 'alice', allowedMnos: { 'northwind-de': ['262-91'] }, eid, profiles: [{ iccid: '8944123456789012348', mno: 'northwind-de', imsi: '262911234567890', fallback: false }],
    }, context);
    const metadata = { actor: 'alice', commandId: 'cmd', correlationId: 'corr', region: 'local', time: '2026-12-04T10:00:00.000Z' };
    const event = busEvent('SimActivated', { tenant, streamId, version: 2, eventId: 'e2', schemaVersion: 1, data: {}, metadata });
    await invokeEntry(eventFunctionId('plan-sim-cascade'), event);
    await invokeEntry(eventFunctionId('plan-sim-cascade'), event);
    const cascade = await store.load(`T#${tenant}#CASCADE#${simCascadeId(streamId, 2)}`);
    expect(cascade.commits.flatMap((c) => c.events)).toMatchObject([{ type: 'CascadeStarted', data: { subject: { kind: 'sim-state', eid, state: 'active' }, targets: ['northwind-de'] } }]);
  });

  it('an event without Switchboard’s detail is refused, naming what is missing', async () => {
    const error = await invokeEntry(eventFunctionId('plan-sim-cascade'), busEvent('SimActivated', { tenant })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InvalidInput' });
    expect((error as Error).message).toMatch(/streamId/);
  });
});
