import { beforeSubmission } from '../../domain/cascade/process.ts';
import { MnoPermanentError } from '../ports/mno-gateway.ts';
import type { CascadePorts } from './ports.ts';
import { loadTarget, recordStep, targetAction } from './steps.ts';
import type { TargetWork } from './work.ts';

/** ApplyToMno: one attempt to submit the change to the MNO; synchronous CMPs are applied at once. */
export const applyToMno = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork> => {
  const action = await targetAction(ports, work);
  const next = beforeSubmission(await loadTarget(ports, work));
  if (next.kind === 'finished') return { ...work, done: true, finished: true, jobId: null, polls: 0, resubmit: false };
  if (next.kind === 'give-up') throw new MnoPermanentError(next.reason);
  await recordStep(ports, work, { type: 'BeginAttempt', mno: work.mno });
  const submission = await action.apply().catch((error: unknown) => {
    ports.countApplyError(work.mno);
    throw error;
  });
  const base = { tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, polls: 0, resubmit: false };
  if (submission.done) {
    await recordStep(ports, work, { type: 'MarkApplied', mno: work.mno, at: ports.now() });
    return { ...base, done: true, jobId: null };
  }
  return { ...base, done: false, jobId: submission.jobId };
};
