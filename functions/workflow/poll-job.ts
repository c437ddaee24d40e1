import { eventStore } from '../config.ts';
import { MnoJobFailed, MnoPermanentError } from '../mno-gateways/gateway.ts';
import { gatewayFor } from '../mno-gateways/index.ts';
import { countMnoApplyError } from '../metrics.ts';
import { loadMno } from '../mnos.ts';
import type { TargetWork } from './cascade-workflow.ts';
import { now, recordStep } from './cascade-steps.ts';

/**
 * PollJob: asks an asynchronous CMP how its job is doing. A job the MNO failed for a passing
 * reason is recorded and submitted again (`resubmit`), not polled again; a job it refused fails
 * the target.
 */
export const handler = async (work: TargetWork): Promise<TargetWork> => {
  const mno = await loadMno(eventStore, work.mno);
  if (mno.status === 'unknown' || !work.jobId) throw new MnoPermanentError(`nothing to poll at ${work.mno}`);
  let status: 'pending' | 'done';
  try {
    status = await (await gatewayFor(mno.registration)).jobStatus(work.jobId);
  } catch (error) {
    countMnoApplyError(work.mno);
    if (!(error instanceof MnoJobFailed)) throw error;
    await recordStep(work, { type: 'RecordAttemptFailure', mno: work.mno, error: error.message });
    return { ...work, done: false, resubmit: true };
  }
  if (status === 'pending') return { ...work, polls: (work.polls ?? 0) + 1, resubmit: false };
  await recordStep(work, { type: 'MarkApplied', mno: work.mno, at: now(), jobId: work.jobId });
  return { ...work, done: true, resubmit: false };
};
