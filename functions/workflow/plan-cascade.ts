import { unavailableReason } from '../../domain/mno/decider.ts';
import type { CascadeInput, TargetWork } from './cascade-workflow.ts';
import { eventStore } from '../config.ts';
import { loadMno } from '../mnos.ts';
import { loadCascade, recordStep, simTarget } from './cascade-steps.ts';

/**
 * PlanCascade: the targets still to do this round. An MNO that is unverified, quarantined or in
 * outage gets no new work, nor does a SIM change that a later one superseded: such targets are
 * recorded as skipped, with the reason.
 */
export const handler = async (input: CascadeInput): Promise<CascadeInput & { work: TargetWork[] }> => {
  const cascade = await loadCascade(input);
  const work: TargetWork[] = [];
  for (const target of cascade.targets.filter((t) => t.status === 'pending')) {
    const subject = cascade.subject;
    const reason =
      unavailableReason(await loadMno(eventStore, target.mno)) ??
      (subject.kind === 'sim-state' ? (await simTarget(input.tenant, subject, target.mno)).skip : undefined);
    if (reason) await recordStep(input, { type: 'SkipTarget', mno: target.mno, reason });
    else work.push({ tenant: input.tenant, cascadeId: input.cascadeId, mno: target.mno });
  }
  return { tenant: input.tenant, cascadeId: input.cascadeId, work };
};
