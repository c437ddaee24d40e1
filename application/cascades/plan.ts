import { planTarget } from '../../domain/cascade/process.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { loadState } from '../load-state.ts';
import { loadMno } from '../mnos.ts';
import { policyStream } from '../stream-ids.ts';
import type { CascadePorts } from './ports.ts';
import { current, loadCascade, loadSim, recordStep } from './steps.ts';
import type { CascadeInput, TargetWork } from './work.ts';

/**
 * PlanCascade: the targets of this round. Those a newer change has superseded are recorded as
 * such, those that get no work as skipped with the reason (domain/cascade/process.ts
 * `planTarget`), each on its own stream.
 */
export const planCascade = async (ports: CascadePorts, input: CascadeInput): Promise<CascadeInput & { work: TargetWork[] }> => {
  const cascade = await loadCascade(ports, input);
  const round = input.round ?? cascade.round;
  const attempt = input.attempt ?? 0;
  // A repeated or stale execution (a finished cascade, a later round, or a later attempt under way) plans nothing.
  if (!current(cascade, input)) return { tenant: input.tenant, cascadeId: input.cascadeId, round, attempt, work: [] };
  const subject = cascade.subject;
  const now =
    subject.kind === 'policy'
      ? { policy: (await loadState(ports.store, policyDecider, policyStream(input.tenant, subject.policyId))).state }
      : { sim: await loadSim(ports, input.tenant, subject.eid) };
  const planned = await Promise.all(
    cascade.roundTargets.map(async (mno) => {
      const work: TargetWork = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, attempt, mno };
      const plan = planTarget(subject, await loadMno(ports.store, mno), mno, now);
      if (plan.kind === 'work') return work;
      const command = plan.kind === 'skip' ? { type: 'SkipTarget' as const, mno, reason: plan.reason } : { type: 'MarkSuperseded' as const, mno, reason: plan.reason };
      const { state } = await recordStep(ports, work, command);
      // Recorded now, or earlier by a planning that ran before (a repeated execution): no work either way.
      return state.status === 'pending' ? work : undefined;
    }),
  );
  return { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, attempt, work: planned.filter((w): w is TargetWork => w !== undefined) };
};
