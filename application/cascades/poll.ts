import { MnoJobFailed, MnoPermanentError } from '../ports/mno-gateway.ts';
import type { CascadePorts } from './ports.ts';
import { recordTransient } from './apply.ts';
import { carry, loadRegistration, openTarget, recordStep, targetAction } from './steps.ts';
import { readBack, recordApplied } from './applied.ts';
import type { TargetEnd, TargetWork } from './work.ts';

/**
 * PollJob: asks an asynchronous CMP how its job is doing; a job done is read back in the same
 * step (`recordApplied`). A job the MNO failed for a passing
 * reason is recorded and submitted again (`resubmit`), not polled again; a job it refused fails
 * the target.
 */
export const pollJob = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork | TargetEnd> => {
  if (!work.jobId) throw new MnoPermanentError(`nothing to poll at ${work.mno}`);
  const registration = work.registration ?? (await loadRegistration(ports, work.mno));
  await ports.admit(registration);
  let status: 'pending' | 'done';
  try {
    status = await (await ports.gateway(registration)).jobStatus(work.jobId);
  } catch (error) {
    if (!(error instanceof MnoJobFailed)) {
      await recordTransient(ports, work, error, await openTarget(ports, work));
      throw error;
    }
    ports.countApplyError(work.mno);
    await recordStep(ports, work, { type: 'RecordAttemptFailure', mno: work.mno, error: error.message, jobFailed: true }, await openTarget(ports, work));
    return { ...work, done: false, resubmit: true, target: undefined };
  }
  if (status === 'pending') return { ...work, polls: (work.polls ?? 0) + 1, resubmit: false };
  const doneAt = ports.now();
  // The job is done whatever comes next: an action that cannot be made (say the SIM's profile moved) is a read-back that failed, and VerifyOnMno follows.
  const action = await targetAction(ports, work).catch(() => undefined);
  const [target, heldAt] = await Promise.all([openTarget(ports, work), action && readBack(ports, action)]);
  const outcome = await recordApplied(ports, work, action, target, doneAt, heldAt, work.jobId);
  return 'verified' in outcome ? outcome.verified : { ...work, done: true, resubmit: false, target: carry(outcome.applied) };
};
