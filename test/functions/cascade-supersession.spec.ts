import { describe, expect, it, vi } from 'vitest';
import type { GatewayFor } from '../../adapters/mno-gateways/index.ts';
import { liveCascade } from '../../application/cascades/live.ts';
import { redriveCascade } from '../../application/cascades/redrive.ts';
import { recordCascade } from '../../application/cascades/record.ts';
import { executeCommand } from '../../application/command.ts';
import { simStream } from '../../application/stream-ids.ts';
import { DomainError } from '../../domain/errors.ts';
import { IN_DOUBT_MS } from '../../domain/cascade/process.ts';
import { MnoTransientError } from '../../application/ports/mno-gateway.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { targetDecider } from '../../domain/cascade/target.ts';
import { cascadeFixture } from '../support/cascade-fixture.ts';

/**
 * An older change must never overwrite a newer one at an MNO: a policy version or SIM state that
 * a newer one has superseded is not submitted, not redriven, and not taken for drift; when a newer
 * one overtakes a submission under way, the newest is submitted after it.
 */
let duringNextApply: (() => Promise<void>) | undefined;
let timeOutNextApply = false;
let landLate: (() => Promise<void>) | undefined;
let failNextApply = false;
let failNextReadBack = false;
/** The CMP answers the next read-back (a policy's, a SIM state's) with a 503. */
const readBackFailing = <A extends unknown[], R>(read: (...args: A) => Promise<R>) => async (...args: A) => {
  if (failNextReadBack) {
    failNextReadBack = false;
    throw new MnoTransientError('the CMP answered 503');
  }
  return read(...args);
};
/** Runs `duringNextApply` while the next policy submission is in flight, before it lands (the overtaking race). */
const overtaking = (gateways: GatewayFor): GatewayFor => async (registration) => {
  const gateway = await gateways(registration);
  return {
    ...gateway,
    readPolicy: readBackFailing(gateway.readPolicy.bind(gateway)),
    readSimState: readBackFailing(gateway.readSimState.bind(gateway)),
    // A job this CMP (a synchronous one) never took, said done: for PollJob's own path.
    jobStatus: async (jobId) => (jobId === 'job-done' ? 'done' : gateway.jobStatus(jobId)),
    applyPolicy: async (profileId, policy) => {
      if (timeOutNextApply) {
        // The call times out here; the MNO carries it out later (`landLate`).
        timeOutNextApply = false;
        landLate = () => gateway.applyPolicy(profileId, policy).then(() => undefined);
        throw new MnoTransientError('the CMP did not answer within 10 s', { unanswered: true });
      }
      if (failNextApply) {
        // The CMP answers an error (a 503): nothing was applied.
        failNextApply = false;
        throw new MnoTransientError('the CMP answered 503');
      }
      const hook = duringNextApply;
      duringNextApply = undefined;
      if (hook) await hook();
      return gateway.applyPolicy(profileId, policy);
    },
  };
};

const fixture = cascadeFixture({ wrap: overtaking });
const { store, context, tenant, publish, task, applyAndVerify } = fixture;
const apns = (policyId: string) => (fixture.cmp.state().profiles[`${tenant}.${policyId}`] as { apnAllowList?: string[] } | undefined)?.apnAllowList;
const targets = async (cascadeId: string) => (await liveCascade(store, tenant, cascadeId)).state as { status: string; targets: { status: string }[] };

/** Version 1 of a policy published and submitted, its call timed out (the MNO carries it out when `landLate()` is called). */
const v1TimedOut = async (policyId: string) => {
  const v1 = await publish(policyId, { data: { apns: ['v1'] } });
  const [older] = (await task('PlanCascade', { tenant, cascadeId: v1, round: 1 })).work;
  timeOutNextApply = true;
  await expect(task('ApplyToMno', older)).rejects.toMatchObject({ name: 'MnoTransientError' });
  return { v1, older };
};

describe('policy versions', () => {
  it('an older submission that timed out (in doubt): the newer waits for it too; the older, once it can land no more, submits the newest over it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { v1, older } = await v1TimedOut('p0');
      const v2 = await publish('p0', { data: { apns: ['v2'] } });
      const [newer] = (await task('PlanCascade', { tenant, cascadeId: v2, round: 1 })).work;
      // Both wait while the older's submission may still land (and submit nothing).
      expect(await task('ApplyToMno', newer)).toMatchObject({ resubmit: true, done: false });
      expect(await task('ApplyToMno', older)).toMatchObject({ resubmit: true, done: false });
      await landLate!();
      expect(apns('p0')).toEqual(['v1']);
      vi.setSystemTime(Date.now() + IN_DOUBT_MS + 1);
      expect(await task('ApplyToMno', older)).toMatchObject({ finished: true });
      expect(apns('p0')).toEqual(['v2']);
      expect(await applyAndVerify(newer)).toMatchObject({ verified: true });
      expect((await targets(v1)).targets).toMatchObject([{ status: 'superseded' }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an older version that failed on timeouts (in doubt) when a newer one is published: the newer waits until the older can land no more, then is the last the MNO gets', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { v1, older } = await v1TimedOut('p9');
      await task('RecordFailure', { ...older, error: { Error: 'MnoTransientError', Cause: 'the CMP did not answer within 10 s' } });
      expect(await task('CompleteCascade', { tenant, cascadeId: v1, round: 1 })).toMatchObject({ status: 'failed' });
      const v2 = await publish('p9', { data: { apns: ['v2'] } });
      const [newer] = (await task('PlanCascade', { tenant, cascadeId: v2, round: 1 })).work;
      const calls = fixture.cmp.state().calls;
      expect(await task('ApplyToMno', newer)).toMatchObject({ resubmit: true, done: false });
      expect(fixture.cmp.state().calls).toBe(calls);
      await landLate!();
      vi.setSystemTime(Date.now() + IN_DOUBT_MS + 1);
      expect(await applyAndVerify(newer)).toMatchObject({ verified: true });
      expect(apns('p9')).toEqual(['v2']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a newer version landing while the older is being submitted: the newest is submitted after it, the older is superseded', async () => {
    const v1 = await publish('p2', { data: { apns: ['v1'] } });
    const [older] = (await task('PlanCascade', { tenant, cascadeId: v1, round: 1 })).work;
    let v2 = '';
    let newer: unknown;
    duringNextApply = async () => {
      v2 = await publish('p2', { data: { apns: ['v2'] } });
      [newer] = (await task('PlanCascade', { tenant, cascadeId: v2, round: 1 })).work;
      // The older's submission is under way, unanswered: the newer waits for its answer.
      expect(await task('ApplyToMno', newer)).toMatchObject({ resubmit: true });
    };
    expect(await applyAndVerify(older)).toMatchObject({ verified: false });
    expect(apns('p2')).toEqual(['v2']);
    expect(await applyAndVerify(newer)).toMatchObject({ verified: true });
    expect((await targets(v1)).targets).toMatchObject([{ status: 'superseded' }]);
    expect((await targets(v2)).targets).toMatchObject([{ status: 'verified' }]);
  });

  it('an older version planned just before a newer one was published, applied and verified is not submitted after it', async () => {
    const v1 = await publish('p5', { data: { apns: ['v1'] } });
    const [older] = (await task('PlanCascade', { tenant, cascadeId: v1, round: 1 })).work;
    const v2 = await publish('p5', { data: { apns: ['v2'] } });
    expect(await applyAndVerify((await task('PlanCascade', { tenant, cascadeId: v2, round: 1 })).work[0])).toMatchObject({ verified: true });
    const calls = fixture.cmp.state().calls;
    expect(await task('ApplyToMno', older)).toMatchObject({ finished: true });
    expect(fixture.cmp.state().calls).toBe(calls);
    expect(apns('p5')).toEqual(['v2']);
    expect((await targets(v1)).targets).toMatchObject([{ status: 'superseded' }]);
  });

  it('a newer version overtaking a submission whose converge then fails: the retry still submits the newest (the older is never taken as applied)', async () => {
    const v1 = await publish('p6', { data: { apns: ['v1'] } });
    const [older] = (await task('PlanCascade', { tenant, cascadeId: v1, round: 1 })).work;
    duringNextApply = async () => {
      await publish('p6', { data: { apns: ['v2'] } });
      failNextApply = true; // the converge that follows
    };
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await expect(task('ApplyToMno', older)).rejects.toMatchObject({ name: 'MnoTransientError' });
      expect(apns('p6')).toEqual(['v1']);
      // Step Functions retries with the input the step had: the older's submission counts as in doubt (its answer was never recorded), so it waits it out…
      expect(await task('ApplyToMno', older)).toMatchObject({ resubmit: true, done: false });
      vi.setSystemTime(Date.now() + IN_DOUBT_MS + 1);
      // …then submits the newest over it: never verified as applied.
      expect(await task('ApplyToMno', older)).toMatchObject({ finished: true });
      expect(apns('p6')).toEqual(['v2']);
      expect((await targets(v1)).targets).toMatchObject([{ status: 'superseded' }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a redrive of a superseded version is refused, naming the newer; the MNO keeps the newer', async () => {
    fixture.cmp.setFaults({ reject: true });
    const v1 = await publish('p3', { data: { apns: ['v1'] } });
    const [work] = (await task('PlanCascade', { tenant, cascadeId: v1, round: 1 })).work;
    const error = await task('ApplyToMno', work).catch((e: Error) => e);
    await task('RecordFailure', { ...work, error: { Error: 'MnoPermanentError', Cause: (error as Error).message } });
    expect(await task('CompleteCascade', { tenant, cascadeId: v1, round: 1 })).toMatchObject({ status: 'failed' });
    fixture.cmp.setFaults({});
    const v2 = await publish('p3', { data: { apns: ['v2'] } });
    await applyAndVerify((await task('PlanCascade', { tenant, cascadeId: v2, round: 1 })).work[0]);
    const refused = await redriveCascade(store, tenant, v1, context).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'cascade-superseded', message: expect.stringContaining(`version 2 (cascade ${v2})`) });
    expect(apns('p3')).toEqual(['v2']);
  });

  it('a stale execution (an earlier round, started again) completes nothing of the round under way', async () => {
    fixture.cmp.setFaults({ reject: true });
    const cascadeId = await publish('p4', { data: { apns: ['v1'] } });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    await task('RecordFailure', { ...work, error: { Error: 'MnoPermanentError', Cause: 'refused' } });
    await task('CompleteCascade', { tenant, cascadeId, round: 1 });
    fixture.cmp.setFaults({});
    await redriveCascade(store, tenant, cascadeId, context);
    const stale = await task('PlanCascade', { tenant, cascadeId, round: 1 });
    expect(await task('CompleteCascade', stale)).toMatchObject({ status: 'running' });
    expect((await targets(cascadeId)).status).toBe('running');
  });
});

describe('SIM states', () => {
  const eid = '89049032000000000000000000000163';
  const iccid = '8944123456789012348';
  const lifecycle = (type: 'ActivateSim' | 'SuspendSim' | 'RequestTermination' | 'ApproveTermination', actor = 'alice') =>
    executeCommand(store, simDecider, simStream(tenant, eid), { type, actor } as never, context);
  const simCascade = async (id: string, state: 'active' | 'suspended' | 'terminated') => {
    await recordCascade(store, tenant, id, { kind: 'sim-state', eid, state }, ['northwind-de'], context);
    return id;
  };

  it('suspend, then terminate at once: the suspension’s read-back is not drift (no alert), it is superseded; the termination verifies', async () => {
    await executeCommand(store, simDecider, simStream(tenant, eid), { type: 'RegisterSim', actor: 'alice', allowedMnos: { 'northwind-de': ['262-91'] }, eid, profiles: [{ iccid, mno: 'northwind-de', imsi: '262911234567890', fallback: false }] }, context);
    await lifecycle('ActivateSim');
    await lifecycle('SuspendSim');
    const suspend = await simCascade('sim-suspend', 'suspended');
    const [work] = (await task('PlanCascade', { tenant, cascadeId: suspend, round: 1 })).work;
    // Its read-back in the applying step fails: the suspension is applied, and VerifyOnMno reads back later.
    failNextReadBack = true;
    const applied = await task('ApplyToMno', work);
    expect(applied).toMatchObject({ done: true, target: { status: 'applied' } });
    await lifecycle('RequestTermination');
    await lifecycle('ApproveTermination', 'bob');
    const terminate = await simCascade('sim-terminate', 'terminated');
    await applyAndVerify((await task('PlanCascade', { tenant, cascadeId: terminate, round: 1 })).work[0]);
    expect(await task('VerifyOnMno', applied)).toMatchObject({ verified: false });
    const events = (await store.load(`T#${tenant}#CASCADE#${suspend}#R1#MNO#northwind-de`)).commits.flatMap((c) => c.events.map((e) => e.type));
    expect(events).not.toContain('CascadeTargetDrifted');
    expect(events).toContain('CascadeTargetSuperseded');
    expect(fixture.cmp.state().sims[iccid]).toBe('DEACTIVATED');
    expect(await task('CompleteCascade', { tenant, cascadeId: suspend, round: 1 })).toMatchObject({ status: 'superseded' });
  });

  it('a SIM change superseded before it was planned: every target superseded, the cascade `superseded`, not `failed`', async () => {
    const late = await simCascade('sim-late-activate', 'active');
    expect(await task('PlanCascade', { tenant, cascadeId: late, round: 1 })).toMatchObject({ work: [] });
    expect(await task('CompleteCascade', { tenant, cascadeId: late, round: 1 })).toMatchObject({ status: 'superseded' });
    await expect(redriveCascade(store, tenant, late, context)).rejects.toMatchObject({ code: 'cascade-superseded' });
  });
});

describe('reading back in the step the MNO answered', () => {
  it('held at once: applied and verified in one commit, no VerifyOnMno; a failed read-back leaves it applied, and VerifyOnMno verifies it', async () => {
    const first = await publish('rb1', { data: { apns: ['v1'] } });
    const [work] = (await task('PlanCascade', { tenant, cascadeId: first, round: 1 })).work;
    expect(await task('ApplyToMno', work)).toEqual({ tenant, cascadeId: first, round: 1, mno: 'northwind-de', verified: true, target: expect.objectContaining({ status: 'verified', version: 3 }) });
    const stream = (id: string) => store.load(`T#${tenant}#CASCADE#${id}#R1#MNO#northwind-de`);
    expect((await stream(first)).commits.map((c) => c.events.map((e) => e.type))).toEqual([['CascadeTargetApplying'], ['CascadeTargetApplied', 'CascadeTargetVerified']]);

    const second = await publish('rb2', { data: { apns: ['v1'] } });
    const [next] = (await task('PlanCascade', { tenant, cascadeId: second, round: 1 })).work;
    failNextReadBack = true;
    const applied = await task('ApplyToMno', next);
    expect(applied).toMatchObject({ done: true, target: { status: 'applied' } });
    expect(applied.verified).toBeUndefined();
    // What planning found is handed on to the next step with the rest (the heads too).
    expect(applied.heads).toEqual(next.heads);
    expect(await task('VerifyOnMno', applied)).toMatchObject({ verified: true, target: { status: 'verified' } });
    expect((await stream(second)).commits.map((c) => c.events.map((e) => e.type))).toEqual([['CascadeTargetApplying'], ['CascadeTargetApplied'], ['CascadeTargetVerified']]);
  });
});

describe('a job done whose step cannot make its action', () => {
  it('is recorded applied (the MNO finished it), and VerifyOnMno follows; the step does not fail', async () => {
    const cascadeId = await publish('pj1', { data: { apns: ['v1'] } });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    const stream = `T#${tenant}#CASCADE#${cascadeId}#R1#MNO#northwind-de`;
    await executeCommand(store, targetDecider, stream, { type: 'BeginAttempt', mno: 'northwind-de' }, context);
    await executeCommand(store, targetDecider, stream, { type: 'RecordSubmission', mno: 'northwind-de', jobId: 'job-done' }, context);
    // Its subject names a version the policy does not have: the action (what to compare the MNO with) cannot be made.
    const polled = await task('PollJob', { ...work, subject: { ...work.subject, version: 99 }, target: undefined, jobId: 'job-done', polls: 1 });
    expect(polled).toMatchObject({ done: true, resubmit: false, target: { status: 'applied' } });
    expect((await store.load(stream)).commits.flatMap((c) => c.events.map((e) => e.type))).toEqual(['CascadeTargetApplying', 'CascadeTargetSubmitted', 'CascadeTargetApplied']);
  });
});

describe('a target retrying', () => {
  it('shows the last error at every failed attempt, not only when it gives up', async () => {
    const cascadeId = await publish('p5', { data: { apns: ['v1'] } });
    const [work] = (await task('PlanCascade', { tenant, cascadeId, round: 1 })).work;
    // Three 503s in a row: the adapter's own two quick retries do not get through.
    fixture.cmp.setFaults({ failFirst: 3 });
    await expect(task('ApplyToMno', work)).rejects.toMatchObject({ name: 'MnoTransientError' });
    expect((await targets(cascadeId)).targets).toMatchObject([{ status: 'applying', attempts: 1, lastError: expect.stringContaining('503') }]);
    fixture.cmp.setFaults({});
    await applyAndVerify(work);
    expect((await targets(cascadeId)).targets).toMatchObject([{ status: 'verified', attempts: 2 }]);
  });
});
