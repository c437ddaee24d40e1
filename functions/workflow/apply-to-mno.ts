import type { TargetWork } from './cascade-workflow.ts';
import { MnoPermanentError } from '../mno-gateways/gateway.ts';
import { countMnoApplyError } from '../metrics.ts';
import { finished } from '../../domain/cascade/target.ts';
import { loadTarget, now, recordStep, targetAction } from './cascade-steps.ts';

/** Submissions of one change to one MNO in one round (transient retries and resubmitted jobs included) before it fails. */
const MAX_SUBMISSIONS = 12;

/** ApplyToMno: one attempt to submit the change to the MNO; synchronous CMPs are applied at once. */
export const handler = async (work: TargetWork): Promise<TargetWork> => {
  const action = await targetAction(work);
  const target = await loadTarget(work);
  // Its round ended already (a repeated execution): the MNO gets nothing more.
  if (finished(target)) return { ...work, done: true, finished: true, jobId: null, polls: 0, resubmit: false };
  if (target.attempts >= MAX_SUBMISSIONS)
    throw new MnoPermanentError(`gave up after ${target.attempts} submissions; last: ${target.lastError ?? 'unknown'}`);
  await recordStep(work, { type: 'BeginAttempt', mno: work.mno });
  const submission = await action.apply().catch((error: unknown) => {
    countMnoApplyError(work.mno);
    throw error;
  });
  if (submission.done) {
    await recordStep(work, { type: 'MarkApplied', mno: work.mno, at: now() });
    return { tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, done: true, jobId: null, polls: 0, resubmit: false };
  }
  return { tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, done: false, jobId: submission.jobId, polls: 0, resubmit: false };
};
