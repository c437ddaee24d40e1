import type { CascadePorts } from './ports.ts';
import { carry, recordStep, type TargetAction, type TargetView } from './steps.ts';
import type { TargetEnd, TargetWork } from './work.ts';

/** How a target's iteration ends: verified or not, and its target as the last step left it (CompleteCascade takes it from the Map's results). */
export const targetEnd = (work: TargetWork, verified: boolean, view?: TargetView): TargetEnd => ({ tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, verified, ...(view && { target: carry(view) }) });

/** Reads the MNO back: the time it was found holding this change; undefined when it differs, or the read was refused or failed (VerifyOnMno reads back again, with its retries and its drift alert). Never throws. */
export const readBack = async (ports: CascadePorts, action: TargetAction): Promise<string | undefined> => {
  try {
    await action.admit();
    return (await action.differences()).length === 0 ? ports.now() : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The MNO answered that it holds the change (a synchronous CMP at once, an asynchronous one's job
 * done, `at`), and was read back in the same step (`heldAt`, from `readBack`, after `at`). Held as this change, the
 * target is applied and verified in one commit and its iteration ends here; otherwise it is
 * applied, and VerifyOnMno follows.
 */
export const recordApplied = async (ports: CascadePorts, work: TargetWork, action: TargetAction | undefined, target: TargetView, at: string, heldAt: string | undefined, jobId?: string): Promise<{ verified: TargetEnd } | { applied: TargetView }> => {
  const verifiedAt = action && heldAt && (await action.verified().then(() => heldAt, () => undefined));
  const view = await recordStep(ports, work, { type: 'MarkApplied', mno: work.mno, at, ...(jobId && { jobId }), ...(verifiedAt && { verifiedAt }) }, target);
  return view.state.status === 'verified' ? { verified: targetEnd(work, true, view) } : { applied: view };
};
