import { planTarget } from '../../domain/cascade/process.ts';
import { targetDecider } from '../../domain/cascade/target.ts';
import { eventsOf, GENESIS } from '../../domain/event-store.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { loadMnos } from '../mnos.ts';
import { cascadeSubjectStream } from '../stream-ids.ts';
import { publishedAtOf } from './newer-version.ts';
import { olderPerMno } from './older.ts';
import type { CascadePorts } from './ports.ts';
import { carry, current, readCascade, recordStep } from './steps.ts';
import type { CascadeInput, TargetWork } from './work.ts';
import type { MnoAccess, MnoRegistration } from '../../domain/mno/events.ts';
import { stateOf } from '../load-state.ts';

const accessOf = ({ id, api, capabilities }: MnoRegistration): MnoAccess => ({ id, api, capabilities });

/**
 * PlanCascade: the targets of this round. Those a newer change has superseded are recorded as
 * such, those that get no work as skipped with the reason (domain/cascade/process.ts
 * `planTarget`), each on its own stream. Each work item carries what its steps would otherwise
 * each read again: the subject, the MNO's registration, the older cascades still to look at there,
 * where the cascade's and the subject's streams stood, and (on a round's first attempt) its target's
 * new stream.
 */
export const planCascade = async (ports: CascadePorts, input: CascadeInput): Promise<CascadeInput & { work: TargetWork[] }> => {
  const { cascade, head } = await readCascade(ports, input);
  const round = input.round ?? cascade.round;
  const attempt = input.attempt ?? 0;
  // A repeated or stale execution (a finished cascade, a later round, or a later attempt under way) plans nothing.
  if (!current(cascade, input)) return { tenant: input.tenant, cascadeId: input.cascadeId, round, attempt, work: [] };
  const subject = cascade.subject;
  // The MNOs are read while the subject is (planning needs both).
  const mnos = loadMnos(ports.store, cascade.roundTargets);
  mnos.catch(() => undefined);
  const { commits, head: subjectHead } = await ports.store.load(cascadeSubjectStream(input.tenant, subject));
  const now =
    subject.kind === 'policy'
      ? { policy: stateOf(policyDecider, commits) }
      : { sim: stateOf(simDecider, commits) };
  const publishedAt = subject.kind === 'policy' ? publishedAtOf(subject, eventsOf(commits)) : undefined;
  const [older, states] = await Promise.all([olderPerMno(ports, input.tenant, subject, commits, input.cascadeId, cascade.roundTargets), mnos]);
  const planned = await Promise.all(
    cascade.roundTargets.map(async (mno, i) => {
      const work: TargetWork = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, attempt, mno };
      const state = states[i]!;
      const plan = planTarget(subject, state, mno, now);
      if (plan.kind === 'work') return { work, registration: state.status === 'unknown' ? undefined : accessOf(state.registration) };
      const command = plan.kind === 'skip' ? { type: 'SkipTarget' as const, mno, reason: plan.reason } : { type: 'MarkSuperseded' as const, mno, reason: plan.reason };
      const { state: target } = await recordStep(ports, work, command);
      // Recorded now, or earlier by a planning that ran before (a repeated execution): no work either way.
      return target.status === 'pending' ? { work } : undefined;
    }),
  );
  // A round's first attempt finds its targets' streams new (when not, the first append is refused and the step reads the stream).
  const fresh = attempt === 0 ? { target: carry({ head: GENESIS, state: targetDecider.initialState }) } : {};
  const work = planned
    .filter((p) => p !== undefined)
    .map(({ work, registration }) => ({ ...work, subject, ...(registration && { registration }), older: older.get(work.mno) ?? [], ...(publishedAt && { publishedAt }), heads: { cascade: head.version, subject: subjectHead.version }, ...fresh }));
  return { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, attempt, work };
};
