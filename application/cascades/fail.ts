import type { CascadePorts } from './ports.ts';
import { carry, current, loadCascade, openTarget, recordStep } from './steps.ts';
import type { CarriedTarget, TargetWork } from './work.ts';

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
export const recordFailure = async (ports: CascadePorts, work: TargetWork): Promise<{ mno: string; failed: true; target?: CarriedTarget }> => {
  // An execution the reconciler has replaced fails nothing: the resumed one carries the target on.
  if (!current(await loadCascade(ports, work), work)) return { mno: work.mno, failed: true };
  const error = work.error ?? { Error: 'Unknown', Cause: 'no error was passed' };
  const message = messageOf(error.Cause).slice(0, 500);
  const outcome = await recordStep(ports, work, { type: 'MarkFailed', mno: work.mno, error: message, permanent: error.Error === 'MnoPermanentError' }, await openTarget(ports, work));
  if (outcome.changed) ports.countApplyFailure(work.mno);
  return { mno: work.mno, failed: true, target: carry(outcome) };
};
