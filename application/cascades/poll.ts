import { MnoJobFailed, MnoPermanentError } from '../ports/mno-gateway.ts';
import type { CascadePorts } from './ports.ts';
import { recordTransient } from './apply.ts';
import { carry, loadRegistration, openTarget, recordStep } from './steps.ts';
import type { TargetWork } from './work.ts';

/**
 * PollJob: asks an asynchronous CMP how its job is doing. A job the MNO failed for a passing
 * reason is recorded and submitted again (`resubmit`), not polled again; a job it refused fails
 * the target.
 */
export const pollJob = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork> => {
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
  const applied = await recordStep(ports, work, { type: 'MarkApplied', mno: work.mno, at: ports.now(), jobId: work.jobId }, await openTarget(ports, work));
  return { ...work, done: true, resubmit: false, target: carry(applied) };
};
