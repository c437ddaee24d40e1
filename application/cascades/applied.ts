import type { CascadePorts } from './ports.ts';
import { carry, recordStep, type TargetAction, type TargetView } from './steps.ts';
import type { TargetEnd, TargetWork } from './work.ts';

/** How a target's iteration ends: verified or not, and its target as the last step left it (CompleteCascade takes it from the Map's results). */
export const targetEnd = (work: TargetWork, verified: boolean, view?: TargetView): TargetEnd => ({ tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, verified, ...(view && { target: carry(view) }) });

/** When the MNO holds the change, read back at once: the time it was; else (a difference, a refused or failed read) undefined, and VerifyOnMno reads back again with its retries and its drift alert. */
const heldNow = async (ports: CascadePorts, action: TargetAction) => {
  try {
    await action.admit();
    if ((await action.differences()).length > 0) return undefined;
    await action.verified();
    return ports.now();
  } catch {
    return undefined;
  }
};

/**
 * The MNO answered that it holds the change (a synchronous CMP at once, an asynchronous one's job
 * done): it is read back in the same step. Held as this change, the target is applied and verified
 * in one commit and its iteration ends here; otherwise it is applied, and VerifyOnMno follows.
 */
export const recordApplied = async (ports: CascadePorts, work: TargetWork, action: TargetAction, target: TargetView, jobId?: string): Promise<{ verified: TargetEnd } | { applied: TargetView }> => {
  const at = ports.now();
  const verifiedAt = await heldNow(ports, action);
  const view = await recordStep(ports, work, { type: 'MarkApplied', mno: work.mno, at, ...(jobId && { jobId }), ...(verifiedAt && { verifiedAt }) }, target);
  return view.state.status === 'verified' ? { verified: targetEnd(work, true, view) } : { applied: view };
};
