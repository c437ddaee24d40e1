import type { TargetWork } from './cascade-workflow.ts';
import { now, recordStep, targetAction } from './cascade-steps.ts';

/** ApplyToMno: one attempt to submit the change to the MNO; synchronous CMPs are applied at once. */
export const handler = async (work: TargetWork): Promise<TargetWork> => {
  const action = await targetAction(work);
  await recordStep(work, { type: 'BeginAttempt', mno: work.mno });
  const submission = await action.apply();
  if (submission.done) {
    await recordStep(work, { type: 'MarkApplied', mno: work.mno, at: now() });
    return { tenant: work.tenant, cascadeId: work.cascadeId, mno: work.mno, done: true, jobId: null, polls: 0 };
  }
  return { tenant: work.tenant, cascadeId: work.cascadeId, mno: work.mno, done: false, jobId: submission.jobId, polls: 0 };
};
