import { describe, expect, it } from 'vitest';
import { cascadeDecider, outcome, type Target } from '../../domain/cascade/decider.ts';
import type { CascadeEvent } from '../../domain/cascade/events.ts';
import { specFor } from '../support/given.ts';

const spec = specFor(cascadeDecider);
const subject = { kind: 'policy' as const, policyId: 'fleet', version: 3 };
const started: CascadeEvent = { type: 'CascadeStarted', data: { cascadeId: 'c1', subject, targets: ['a', 'b'] } };
const applying = (mno: string, attempt = 1): CascadeEvent => ({ type: 'CascadeTargetApplying', data: { mno, attempt } });
const applied = (mno: string): CascadeEvent => ({ type: 'CascadeTargetApplied', data: { mno, at: 't1' } });
const verified = (mno: string): CascadeEvent => ({ type: 'CascadeTargetVerified', data: { mno, at: 't2' } });
const failed = (mno: string): CascadeEvent => ({ type: 'CascadeTargetFailed', data: { mno, error: 'refused', permanent: true } });
const completed = (status: 'succeeded' | 'partial' | 'failed'): CascadeEvent => ({ type: 'CascadeCompleted', data: { status } });

describe('Cascade decider', () => {
  it('starts once; a repeated start is a no-op', () => {
    spec([]).when({ type: 'StartCascade', cascadeId: 'c1', subject, targets: ['a', 'b', 'a'] }).then([started]);
    spec([started]).when({ type: 'StartCascade', cascadeId: 'c1', subject, targets: ['a'] }).then([]);
  });
  it('counts attempts', () => spec([started, applying('a'), failed('a')]).when({ type: 'BeginAttempt', mno: 'a' }).then([applying('a', 2)]));
  it('applied only while applying; verified only once applied', () => {
    spec([started]).when({ type: 'MarkApplied', mno: 'a', at: 't1' }).then([]);
    spec([started, applying('a')]).when({ type: 'MarkApplied', mno: 'a', at: 't1' }).then([applied('a')]);
    spec([started, applying('a')]).when({ type: 'MarkVerified', mno: 'a', at: 't2' }).then([]);
    spec([started, applying('a'), applied('a')]).when({ type: 'MarkVerified', mno: 'a', at: 't2' }).then([verified('a')]);
  });
  it('drift raises a security alert and fails the target', () =>
    spec([started, applying('a'), applied('a')]).when({ type: 'MarkDrifted', mno: 'a', rules: ['data.internetBreakout'] }).then([
      { type: 'SecurityAlertRaised', data: { mno: 'a', kind: 'policy-drift', rules: ['data.internetBreakout'], detail: 'a does not enforce what was applied: data.internetBreakout' } },
      { type: 'CascadeTargetFailed', data: { mno: 'a', error: 'drift: data.internetBreakout', permanent: false } },
    ]));
  it('a failed submission keeps the target applying, with the error', () =>
    spec([started, applying('a')]).when({ type: 'RecordAttemptFailure', mno: 'a', error: 'job failed' }).then([
      { type: 'CascadeAttemptFailed', data: { mno: 'a', attempt: 1, error: 'job failed' } },
    ]));
  it('a verified target is not failed afterwards', () => spec([started, applying('a'), applied('a'), verified('a')]).when({ type: 'MarkFailed', mno: 'a', error: 'x', permanent: false }).then([]));
  it('refuses steps for an MNO that is not a target', () => spec([started]).when({ type: 'BeginAttempt', mno: 'zz' }).thenFails('not-a-target', 'invalid'));
  it('completes with the outcome of its targets; finished cascades ignore late steps', () => {
    spec([started, applying('a'), applied('a'), verified('a'), failed('b')]).when({ type: 'CompleteCascade' }).then([completed('partial')]);
    spec([started, completed('failed')]).when({ type: 'BeginAttempt', mno: 'a' }).then([]);
  });
  it('redrives only the targets that did not succeed, and only once finished', () => {
    const done = [started, applying('a'), applied('a'), verified('a'), failed('b'), completed('partial')];
    spec(done).when({ type: 'RedriveCascade' }).then([{ type: 'CascadeRedriven', data: { round: 2, targets: ['b'] } }]);
    spec([started]).when({ type: 'RedriveCascade' }).thenFails('cascade-running', 'conflict');
    spec([started, applying('a'), applied('a'), verified('a'), applying('b'), applied('b'), verified('b'), completed('succeeded')]).when({ type: 'RedriveCascade' }).thenFails('nothing-to-redrive');
  });
  it('outcome: succeeded when all verified, failed when none, partial otherwise (skipped counts as not done)', () => {
    const t = (status: Target['status']): Target => ({ mno: status, status, attempts: 0 });
    expect(outcome([t('verified'), t('verified')])).toBe('succeeded');
    expect(outcome([t('verified'), t('skipped')])).toBe('partial');
    expect(outcome([t('failed'), t('skipped')])).toBe('failed');
  });
});
