import { skipReason } from '../../domain/cascade/process.ts';
import { loadMno } from '../mnos.ts';
import type { CascadePorts } from './ports.ts';
import { loadCascade, loadSim, recordStep } from './steps.ts';
import type { CascadeInput, TargetWork } from './work.ts';

/**
 * PlanCascade: the targets of this round. Those that get no work (domain/cascade/process.ts
 * `skipReason`) are recorded as skipped, with the reason, on their own streams.
 */
export const planCascade = async (ports: CascadePorts, input: CascadeInput): Promise<CascadeInput & { work: TargetWork[] }> => {
  const cascade = await loadCascade(ports, input);
  const round = input.round ?? cascade.round;
  // A repeated or stale execution (a finished cascade, or a later round under way) plans nothing.
  if (cascade.status !== 'running' || round !== cascade.round) return { tenant: input.tenant, cascadeId: input.cascadeId, work: [] };
  const subject = cascade.subject;
  const sim = subject.kind === 'sim-state' ? await loadSim(ports, input.tenant, subject.eid) : undefined;
  const planned = await Promise.all(
    cascade.roundTargets.map(async (mno) => {
      const work: TargetWork = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, mno };
      const reason = skipReason(subject, await loadMno(ports.store, mno), mno, sim);
      if (!reason) return work;
      const { state } = await recordStep(ports, work, { type: 'SkipTarget', mno, reason });
      // Skipped now, or earlier by a planning that ran before (a repeated execution): no work either way.
      return state.status === 'pending' ? work : undefined;
    }),
  );
  return { tenant: input.tenant, cascadeId: input.cascadeId, work: planned.filter((w): w is TargetWork => w !== undefined) };
};
