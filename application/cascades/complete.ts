import { cascadeDecider, finished, type Target } from '../../domain/cascade/decider.ts';
import { executeCommand } from '../command.ts';
import { loadState } from '../load-state.ts';
import { cascadeStream } from '../stream-ids.ts';
import type { CascadePorts } from './ports.ts';
import { current, loadTarget, recordStep, stepContext, viewOfCarried } from './steps.ts';
import type { CompletionInput } from './work.ts';

/**
 * CompleteCascade: succeeded, partial or failed, from the round's targets. A target whose last step
 * handed on its end (`results`: verified, failed, superseded — an end nothing is recorded after) is
 * taken as it is; any other is read from its stream. Also reached when planning or the Map failed
 * (`error`): targets left unfinished are recorded as failed first, so no cascade stays `running`
 * and a redrive can pick them up.
 */
export const completeCascade = async (ports: CascadePorts, input: CompletionInput) => {
  const loaded = await loadState(ports.store, cascadeDecider, cascadeStream(input.tenant, input.cascadeId));
  const cascade = loaded.state;
  if (cascade.status === 'none') throw new Error(`cascade ${input.cascadeId} does not exist`);
  // A repeated or stale execution (the round already completed, or a later one under way) changes nothing.
  if (!current(cascade, input)) return { tenant: input.tenant, cascadeId: input.cascadeId, status: cascade.status };
  const ended = new Map<string, Target>();
  for (const { mno, target } of input.results ?? []) if (target && finished(target)) ended.set(mno, viewOfCarried(mno, target).state);
  const why = input.error ? `the workflow stopped (${input.error.Error}) before this MNO finished` : 'the workflow ended before this MNO finished';
  const outcomes = await Promise.all(
    cascade.targets
      .filter((t) => cascade.roundTargets.includes(t.mno))
      .map(async (t) => {
        const kept = ended.get(t.mno);
        if (kept) return kept;
        const work = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, mno: t.mno };
        const target = await loadTarget(ports, work);
        if (finished(target.state)) return target.state;
        return (await recordStep(ports, work, { type: 'MarkFailed', mno: t.mno, error: why, permanent: false }, target)).state;
      }),
  );
  const { state } = await executeCommand(ports.store, cascadeDecider, cascadeStream(input.tenant, input.cascadeId), { type: 'CompleteCascade', targets: outcomes }, stepContext(ports, input), undefined, loaded);
  return { tenant: input.tenant, cascadeId: input.cascadeId, status: state.status };
};
