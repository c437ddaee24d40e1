import type { CascadePorts } from './ports.ts';
import { recordStep, targetAction } from './steps.ts';
import type { TargetWork } from './work.ts';

/** VerifyOnMno: reads back what the MNO enforces; a difference is drift and raises a security alert. */
export const verifyOnMno = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork & { verified: boolean }> => {
  // Its round ended already (a repeated execution, see ApplyToMno): nothing to read back or record.
  if (work.finished) return { ...work, verified: false };
  const action = await targetAction(ports, work);
  const differences = await action.differences();
  if (differences.length > 0) await recordStep(ports, work, { type: 'MarkDrifted', mno: work.mno, rules: differences });
  else {
    await action.verified();
    await recordStep(ports, work, { type: 'MarkVerified', mno: work.mno, at: ports.now() });
  }
  return { tenant: work.tenant, cascadeId: work.cascadeId, round: work.round, mno: work.mno, verified: differences.length === 0 };
};
