import type { TargetWork } from './cascade-workflow.ts';
import { countMnoApplyFailure } from '../metrics.ts';
import { recordStep } from './cascade-steps.ts';

/** Lambda puts `{"errorMessage": …}` JSON in a Task error's Cause; the local engine the bare message. */
const messageOf = (cause: string) => {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
};

/** RecordFailure: the target failed after its retries (or at once, for a permanent error). */
export const handler = async (work: TargetWork): Promise<{ mno: string; failed: true }> => {
  const error = work.error ?? { Error: 'Unknown', Cause: 'no error was passed' };
  const message = messageOf(error.Cause).slice(0, 500);
  const { changed } = await recordStep(work, { type: 'MarkFailed', mno: work.mno, error: message, permanent: error.Error === 'MnoPermanentError' });
  if (changed) countMnoApplyFailure(work.mno);
  return { mno: work.mno, failed: true };
};
