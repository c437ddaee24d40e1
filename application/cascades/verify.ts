import type { CascadePorts } from './ports.ts';
import { recordTransient } from './apply.ts';
import { carry, openTarget, recordStep, targetAction, type TargetView } from './steps.ts';
import type { CarriedTarget, TargetWork } from './work.ts';

/**
 * VerifyOnMno: reads back what the MNO enforces and compares it with this cascade's change; a
 * difference is drift and raises a security alert, unless a newer change has taken this one's
 * place (the MNO may rightly hold the newer one): the target is then superseded, no alert. What
 * the MNO holds as this change is verified, whether or not a newer one is on its way.
 */
export const verifyOnMno = async (ports: CascadePorts, work: TargetWork): Promise<{ tenant: string; cascadeId: string; round?: number | undefined; mno: string; verified: boolean; target?: CarriedTarget }> => {
  // Its round ended already (a repeated execution, or superseded on submitting): nothing to read back or record.
  const result = (verified: boolean, view?: TargetView) => ({ tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, verified, ...(view && { target: carry(view) }) });
  if (work.finished) return result(false);
  const action = await targetAction(ports, work);
  const target = await openTarget(ports, work);
  await action.admit();
  const differences = await action.differences().catch(async (error: unknown) => {
    await recordTransient(ports, work, error, target);
    throw error;
  });
  if (differences.length === 0) {
    await action.verified();
    return result(true, await recordStep(ports, work, { type: 'MarkVerified', mno: work.mno, at: ports.now() }, target));
  }
  // A newer change may have landed since this one: that is not drift.
  const reason = await action.superseded();
  if (reason) {
    return result(false, await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason }, target));
  }
  return result(false, await recordStep(ports, work, { type: 'MarkDrifted', mno: work.mno, rules: differences }, target));
};
