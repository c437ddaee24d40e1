import { describe, expect, it } from 'vitest';
import { cascadeDecider, outcome, type Target } from '../../domain/cascade/decider.ts';
import type { CascadeEvent } from '../../domain/cascade/events.ts';
import { targetDecider, type TargetEvent } from '../../domain/cascade/target.ts';
import { fold } from '../../domain/decider.ts';
import { specFor } from '../support/given.ts';

const subject = { kind: 'policy' as const, policyId: 'fleet', version: 3 };
const started: CascadeEvent = { type: 'CascadeStarted', data: { cascadeId: 'c1', subject, targets: ['a', 'b'] } };
const applying = (mno: string, attempt = 1): TargetEvent => ({ type: 'CascadeTargetApplying', data: { mno, attempt } });
const applied = (mno: string): TargetEvent => ({ type: 'CascadeTargetApplied', data: { mno, at: 't1' } });
const verified = (mno: string): TargetEvent => ({ type: 'CascadeTargetVerified', data: { mno, at: 't2' } });
const failed = (mno: string): TargetEvent => ({ type: 'CascadeTargetFailed', data: { mno, error: 'refused', permanent: true } });
const target = (events: TargetEvent[]): Target => fold(targetDecider, targetDecider.initialState, events);

describe('Cascade target decider (one MNO, one round, its own stream)', () => {
  const spec = specFor(targetDecider);
  it('counts attempts; a finished target (verified, failed, skipped) begins none in its round', () => {
    const retried: TargetEvent = { type: 'CascadeAttemptFailed', data: { mno: 'a', attempt: 1, error: 'job failed' } };
    spec([applying('a'), retried]).when({ type: 'BeginAttempt', mno: 'a' }).then([applying('a', 2)]);
    spec([applying('a'), failed('a')]).when({ type: 'BeginAttempt', mno: 'a' }).then([]);
    spec([applying('a'), applied('a'), verified('a')]).when({ type: 'BeginAttempt', mno: 'a' }).then([]);
    spec([{ type: 'CascadeTargetSkipped', data: { mno: 'a', reason: 'outage' } }]).when({ type: 'BeginAttempt', mno: 'a' }).then([]);
  });
  it('applied only while applying; verified only once applied', () => {
    spec([]).when({ type: 'MarkApplied', mno: 'a', at: 't1' }).then([]);
    spec([applying('a')]).when({ type: 'MarkApplied', mno: 'a', at: 't1' }).then([applied('a')]);
    spec([applying('a')]).when({ type: 'MarkVerified', mno: 'a', at: 't2' }).then([]);
    spec([applying('a'), applied('a')]).when({ type: 'MarkVerified', mno: 'a', at: 't2' }).then([verified('a')]);
  });
  it('applied and verified at once when the MNO was read back in the same step; still only while applying', () => {
    spec([applying('a')]).when({ type: 'MarkApplied', mno: 'a', at: 't1', verifiedAt: 't2' }).then([applied('a'), verified('a')]);
    spec([applying('a'), applied('a')]).when({ type: 'MarkApplied', mno: 'a', at: 't1', verifiedAt: 't2' }).then([]);
    spec([applying('a'), { type: 'CascadeTargetSuperseded', data: { mno: 'a', reason: 'v4' } }]).when({ type: 'MarkApplied', mno: 'a', at: 't1', verifiedAt: 't2' }).then([]);
  });
  it('drift raises a security alert and fails the target', () =>
    spec([applying('a'), applied('a')]).when({ type: 'MarkDrifted', mno: 'a', rules: ['data.internetBreakout'] }).then([
      { type: 'CascadeTargetDrifted', data: { mno: 'a', kind: 'policy-drift', rules: ['data.internetBreakout'], detail: 'a does not enforce what was applied: data.internetBreakout' } },
      { type: 'CascadeTargetFailed', data: { mno: 'a', error: 'drift: data.internetBreakout', permanent: false } },
    ]));
  it('a job the MNO took is remembered for the attempt, so a resumed round polls it', () => {
    const submitted: TargetEvent = { type: 'CascadeTargetSubmitted', data: { mno: 'a', attempt: 1, jobId: 'job-1' } };
    spec([applying('a')]).when({ type: 'RecordSubmission', mno: 'a', jobId: 'job-1' }).then([submitted]);
    spec([applying('a'), applied('a')]).when({ type: 'RecordSubmission', mno: 'a', jobId: 'job-1' }).then([]);
    expect(target([applying('a'), submitted]).jobId).toBe('job-1');
    expect(target([applying('a'), submitted, applying('a', 2)]).jobId).toBeUndefined();
  });
  it('a failed submission keeps the target applying, with the error', () =>
    spec([applying('a')]).when({ type: 'RecordAttemptFailure', mno: 'a', error: 'job failed' }).then([
      { type: 'CascadeAttemptFailed', data: { mno: 'a', attempt: 1, error: 'job failed' } },
    ]));
  it('a verified target is not failed afterwards; a skipped one only while pending', () => {
    spec([applying('a'), applied('a'), verified('a')]).when({ type: 'MarkFailed', mno: 'a', error: 'x', permanent: false }).then([]);
    spec([]).when({ type: 'SkipTarget', mno: 'a', reason: 'MNO a is in outage' }).then([{ type: 'CascadeTargetSkipped', data: { mno: 'a', reason: 'MNO a is in outage' } }]);
    spec([applying('a')]).when({ type: 'SkipTarget', mno: 'a', reason: 'late' }).then([]);
  });
  it('its state names the MNO and carries attempts, error and times', () =>
    expect(target([applying('a'), failed('a'), applying('a', 2), applied('a'), verified('a')])).toEqual({
      mno: 'a',
      status: 'verified',
      attempts: 2,
      lastError: undefined,
      appliedAt: 't1',
      verifiedAt: 't2',
      attemptAt: undefined,
      jobId: undefined,
      inDoubt: false,
    }));
});

describe('Cascade decider (its own stream: started, completed, redriven)', () => {
  const spec = specFor(cascadeDecider);
  const done = (mno: string) => target([applying(mno), applied(mno), verified(mno)]);
  const refused = (mno: string) => target([applying(mno), failed(mno)]);

  it('starts once; a repeated start is a no-op', () => {
    spec([]).when({ type: 'StartCascade', cascadeId: 'c1', subject, targets: ['a', 'b', 'a'] }).then([started]);
    spec([started]).when({ type: 'StartCascade', cascadeId: 'c1', subject, targets: ['a'] }).then([]);
  });
  it('completes with the outcome of its targets, recording each as the round left it; a repeat changes nothing', () => {
    const completed: CascadeEvent = {
      type: 'CascadeCompleted',
      data: { status: 'partial', targets: [{ mno: 'a', status: 'verified', attempts: 1, appliedAt: 't1', verifiedAt: 't2' }, { mno: 'b', status: 'failed', attempts: 1, lastError: 'refused' }] },
    };
    spec([started]).when({ type: 'CompleteCascade', targets: [done('a'), refused('b')] }).then([completed]);
    spec([started, completed]).when({ type: 'CompleteCascade', targets: [done('a'), done('b')] }).then([]);
  });
  it('refuses an outcome for an MNO that is not a target of the round', () =>
    spec([started]).when({ type: 'CompleteCascade', targets: [done('zz')] }).thenFails('not-a-target', 'invalid'));
  it('redrives only the targets that did not succeed, and only once finished; the next round keeps the others', () => {
    const partial = [started, ...cascadeDecider.decide({ type: 'CompleteCascade', targets: [done('a'), refused('b')] }, fold(cascadeDecider, cascadeDecider.initialState, [started]))];
    spec(partial).when({ type: 'RedriveCascade' }).then([{ type: 'CascadeRedriven', data: { round: 2, targets: ['b'] } }]);
    spec([started]).when({ type: 'RedriveCascade' }).thenFails('cascade-running', 'conflict');
    const redriven = fold(cascadeDecider, cascadeDecider.initialState, [...partial, { type: 'CascadeRedriven', data: { round: 2, targets: ['b'] } }]);
    expect(redriven).toMatchObject({ status: 'running', round: 2, roundTargets: ['b'] });
    // Round 2 completes with b's outcome only; a keeps its round-1 verification.
    const [second] = cascadeDecider.decide({ type: 'CompleteCascade', targets: [done('b')] }, redriven);
    expect(second).toMatchObject({ type: 'CascadeCompleted', data: { status: 'succeeded' } });
    spec([...partial, { type: 'CascadeRedriven', data: { round: 2, targets: ['b'] } }, second!]).when({ type: 'RedriveCascade' }).thenFails('nothing-to-redrive');
  });
  it('resumes a running round whose execution was gone once: only for the attempt found gone, and only while running', () => {
    const resumed: CascadeEvent = { type: 'CascadeResumed', data: { round: 1, attempt: 1 } };
    spec([started]).when({ type: 'ResumeCascade', round: 1, gone: 0 }).then([resumed]);
    // A second reconciler found the same attempt gone: it was resumed already.
    spec([started, resumed]).when({ type: 'ResumeCascade', round: 1, gone: 0 }).then([]);
    spec([started, resumed]).when({ type: 'ResumeCascade', round: 1, gone: 1 }).then([{ type: 'CascadeResumed', data: { round: 1, attempt: 2 } }]);
    const partial = [started, ...cascadeDecider.decide({ type: 'CompleteCascade', targets: [done('a'), refused('b')] }, fold(cascadeDecider, cascadeDecider.initialState, [started]))];
    spec(partial).when({ type: 'ResumeCascade', round: 1, gone: 0 }).then([]);
    // A redrive begins round 2 at attempt 0: a reconciler that looked at round 1 resumes nothing.
    const round2: CascadeEvent = { type: 'CascadeRedriven', data: { round: 2, targets: ['b'] } };
    spec([...partial, round2]).when({ type: 'ResumeCascade', round: 1, gone: 0 }).then([]);
    expect(fold(cascadeDecider, cascadeDecider.initialState, [started, resumed, ...partial.slice(1), round2])).toMatchObject({ round: 2, attempt: 0 });
  });
  it('a live view folds the round’s target events into the cascade', () => {
    const live = fold(cascadeDecider, fold(cascadeDecider, cascadeDecider.initialState, [started]), [applying('a'), applied('a'), applying('b')]);
    expect(live.status === 'running' && live.targets.map((t) => [t.mno, t.status])).toEqual([
      ['a', 'applied'],
      ['b', 'applying'],
    ]);
  });
  it('outcome: succeeded when all verified, failed when none, partial otherwise (skipped counts as not done)', () => {
    const t = (status: Target['status']): Target => ({ mno: status, status, attempts: 0 });
    expect(outcome([t('verified'), t('verified')])).toBe('succeeded');
    expect(outcome([t('verified'), t('skipped')])).toBe('partial');
    expect(outcome([t('failed'), t('skipped')])).toBe('failed');
  });
});
