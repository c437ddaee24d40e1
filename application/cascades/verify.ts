import type { CascadePorts } from './ports.ts';
import { recordTransient } from './apply.ts';
import { recordStep, targetAction } from './steps.ts';
import type { TargetWork } from './work.ts';

/**
 * VerifyOnMno: reads back what the MNO enforces and compares it with this cascade's change; a
 * difference is drift and raises a security alert. A change a newer one has taken the place of is
 * not compared (the MNO may rightly hold the newer one): the target is superseded, no alert.
 */
export const verifyOnMno = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork & { verified: boolean }> => {
  // Its round ended already (a repeated execution, or superseded on submitting): nothing to read back or record.
  if (work.finished) return { ...work, verified: false };
  const result = (verified: boolean) => ({ tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, verified });
  const action = await targetAction(ports, work);
  const superseded = async () => {
    const reason = await action.superseded();
    if (reason) await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason });
    return reason !== undefined;
  };
  if (await superseded()) return result(false);
  await action.admit();
  const differences = await action.differences().catch(async (error: unknown) => {
    await recordTransient(ports, work, error);
    throw error;
  });
  if (differences.length === 0) {
    await action.verified();
    await recordStep(ports, work, { type: 'MarkVerified', mno: work.mno, at: ports.now() });
    return result(true);
  }
  // A newer change may have landed between the last check and the read-back: that is not drift.
  if (await superseded()) return result(false);
  await recordStep(ports, work, { type: 'MarkDrifted', mno: work.mno, rules: differences });
  return result(false);
};
