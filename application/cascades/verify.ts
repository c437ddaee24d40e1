import type { CascadePorts } from './ports.ts';
import { recordTransient } from './apply.ts';
import { targetEnd as end } from './applied.ts';
import { openTarget, recordStep, targetAction } from './steps.ts';
import type { TargetEnd, TargetWork } from './work.ts';

/**
 * VerifyOnMno: reads back what the MNO enforces and compares it with this cascade's change; a
 * difference is drift and raises a security alert, unless a newer change has taken this one's
 * place (the MNO may rightly hold the newer one): the target is then superseded, no alert. What
 * the MNO holds as this change is verified, whether or not a newer one is on its way.
 */
export const verifyOnMno = async (ports: CascadePorts, work: TargetWork): Promise<TargetEnd> => {
  // Its round ended already (a repeated execution, or superseded on submitting): nothing to read back or record.
  if (work.finished) return end(work, false);
  const action = await targetAction(ports, work);
  const target = await openTarget(ports, work);
  await action.admit();
  const differences = await action.differences().catch(async (error: unknown) => {
    await recordTransient(ports, work, error, target);
    throw error;
  });
  if (differences.length === 0) {
    await action.verified();
    return end(work, true, await recordStep(ports, work, { type: 'MarkVerified', mno: work.mno, at: ports.now() }, target));
  }
  // A newer change may have landed since this one: that is not drift.
  const reason = await action.superseded();
  if (reason) return end(work, false, await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason }, target));
  return end(work, false, await recordStep(ports, work, { type: 'MarkDrifted', mno: work.mno, rules: differences }, target));
};
