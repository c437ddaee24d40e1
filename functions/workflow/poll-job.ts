import type { TargetWork } from './cascade-workflow.ts';
import { eventStore } from '../config.ts';
import { loadMno } from '../mnos.ts';
import { now, recordStep } from './cascade-steps.ts';
import { MnoPermanentError } from '../mno-gateways/gateway.ts';
import { gatewayFor } from '../mno-gateways/index.ts';

/** PollJob: asks an asynchronous CMP how its job is doing; a failed job throws its kind of error. */
export const handler = async (work: TargetWork): Promise<TargetWork> => {
  const mno = await loadMno(eventStore, work.mno);
  if (mno.status === 'unknown' || !work.jobId) throw new MnoPermanentError(`nothing to poll at ${work.mno}`);
  const status = await (await gatewayFor(mno.registration)).jobStatus(work.jobId);
  if (status === 'pending') return { ...work, polls: (work.polls ?? 0) + 1 };
  await recordStep(work, { type: 'MarkApplied', mno: work.mno, at: now(), jobId: work.jobId });
  return { ...work, done: true };
};
