import { unavailableReason } from '../../domain/mno/decider.ts';
import type { CascadeInput, TargetWork } from './cascade-workflow.ts';
import { eventStore } from '../config.ts';
import { loadMno } from '../mnos.ts';
import { loadCascade, recordStep, simTarget } from './cascade-steps.ts';

/**
 * PlanCascade: the targets of this round. An MNO that is unverified, quarantined or in outage gets
 * no new work, nor does a SIM change that a later one superseded: such targets are recorded as
 * skipped, with the reason, on their own streams.
 */
export const handler = async (input: CascadeInput): Promise<CascadeInput & { work: TargetWork[] }> => {
  const cascade = await loadCascade(input);
  const round = input.round ?? cascade.round;
  // A repeated or stale execution (a finished cascade, or a later round under way) plans nothing.
  if (cascade.status !== 'running' || round !== cascade.round) return { tenant: input.tenant, cascadeId: input.cascadeId, work: [] };
  const subject = cascade.subject;
  const planned = await Promise.all(
    cascade.roundTargets.map(async (mno) => {
      const work: TargetWork = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, mno };
      const reason =
        unavailableReason(await loadMno(eventStore, mno)) ?? (subject.kind === 'sim-state' ? (await simTarget(input.tenant, subject, mno)).skip : undefined);
      if (!reason) return work;
      const { state } = await recordStep(work, { type: 'SkipTarget', mno, reason });
      // Skipped now, or earlier by a planning that ran before (a repeated execution): no work either way.
      return state.status === 'pending' ? work : undefined;
    }),
  );
  return { tenant: input.tenant, cascadeId: input.cascadeId, work: planned.filter((w): w is TargetWork => w !== undefined) };
};
