import { beforeSubmission, whenSuperseded } from '../../domain/cascade/process.ts';
import { MnoPermanentError, MnoTransientError } from '../ports/mno-gateway.ts';
import type { CascadePorts } from './ports.ts';
import { current, loadCascade, loadTarget, olderSubmissionInDoubt, recordStep, targetAction } from './steps.ts';
import type { TargetWork } from './work.ts';

/** Nothing more is done for this target in its round (it ended, or a newer change took its place). */
const ended = (work: TargetWork): TargetWork => ({ ...work, done: true, finished: true, jobId: null, polls: 0, resubmit: false });

/** A retried failure shows as the target's lastError at once, not only when it gives up. */
export const recordTransient = async (ports: CascadePorts, work: TargetWork, error: unknown) => {
  ports.countApplyError(work.mno);
  if (error instanceof MnoTransientError)
    await recordStep(ports, work, { type: 'RecordAttemptFailure', mno: work.mno, error: error.message, ...(error.unanswered && { unanswered: true as const }) });
};

/**
 * ApplyToMno: one attempt to submit the change to the MNO; synchronous CMPs are applied at once.
 * A change that a newer one superseded is not submitted; one that a newer one overtook while it
 * was being submitted has the newest submitted after it, so the MNO never keeps the older.
 */
export const applyToMno = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork> => {
  // An execution the reconciler has replaced (it resumed the round under a later attempt) submits nothing.
  const cascade = await loadCascade(ports, work);
  if (!current(cascade, work)) return ended(work);
  const action = await targetAction(ports, work, cascade);
  const target = await loadTarget(ports, work);
  const next = beforeSubmission(target);
  if (next.kind === 'finished') return ended(work);
  if (next.kind === 'give-up') throw new MnoPermanentError(next.reason);
  const base = { tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, attempt: work.attempt, mno: work.mno, polls: 0, resubmit: false };
  // A resumed round goes on from the step that completed: read back, or poll the job the MNO took.
  if (next.kind === 'verify') return { ...base, done: true, jobId: null };
  if (next.kind === 'poll') return { ...base, done: false, jobId: next.jobId };
  const before = await action.superseded();
  if (before) {
    // A submission of this older change that never answered may still land over the newer one: wait it out, then submit the newest over it.
    const now = whenSuperseded(target, Date.parse(ports.now()));
    if (now === 'settle') return { ...base, done: false, jobId: null, resubmit: true };
    if (now === 'converge') await action.converge();
    await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason: before });
    return ended(work);
  }
  // An older change's submission to this MNO that never answered may still land: submit this one after it can no more.
  if (await olderSubmissionInDoubt(ports, work, cascade.subject, Date.parse(ports.now()))) return { ...base, done: false, jobId: null, resubmit: true };
  // Within the MNO's rate (else MnoRateLimited: the workflow waits, and this is no attempt).
  await action.admit();
  await recordStep(ports, work, { type: 'BeginAttempt', mno: work.mno, at: ports.now() });
  const submission = await action.apply().catch(async (error: unknown) => {
    await recordTransient(ports, work, error);
    throw error;
  });
  const overtaken = await action.superseded();
  if (overtaken) {
    await action.converge();
    await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason: overtaken });
    return ended(work);
  }
  if (submission.done) {
    await recordStep(ports, work, { type: 'MarkApplied', mno: work.mno, at: ports.now() });
    return { ...base, done: true, jobId: null };
  }
  await recordStep(ports, work, { type: 'RecordSubmission', mno: work.mno, jobId: submission.jobId });
  return { ...base, done: false, jobId: submission.jobId };
};
