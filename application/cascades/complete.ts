import { cascadeDecider, finished } from '../../domain/cascade/decider.ts';
import { executeCommand } from '../command.ts';
import { cascadeStream } from '../stream-ids.ts';
import { liveCascade } from './live.ts';
import type { CascadePorts } from './ports.ts';
import { current, recordStep, stepContext } from './steps.ts';
import type { CompletionInput } from './work.ts';

/**
 * CompleteCascade: succeeded, partial or failed, from the round's targets as their streams have
 * them. Also reached when planning or the Map failed (`error`): targets left unfinished are
 * recorded as failed first, so no cascade stays `running` and a redrive can pick them up.
 */
export const completeCascade = async (ports: CascadePorts, input: CompletionInput) => {
  const { state: cascade } = await liveCascade(ports.store, input.tenant, input.cascadeId);
  if (cascade.status === 'none') throw new Error(`cascade ${input.cascadeId} does not exist`);
  // A repeated or stale execution (the round already completed, or a later one under way) changes nothing.
  if (!current(cascade, input)) return { tenant: input.tenant, cascadeId: input.cascadeId, status: cascade.status };
  const why = input.error ? `the workflow stopped (${input.error.Error}) before this MNO finished` : 'the workflow ended before this MNO finished';
  const outcomes = await Promise.all(
    cascade.targets
      .filter((t) => cascade.roundTargets.includes(t.mno))
      .map(async (t) => {
        if (finished(t)) return t;
        const work = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, mno: t.mno };
        return (await recordStep(ports, work, { type: 'MarkFailed', mno: t.mno, error: why, permanent: false })).state;
      }),
  );
  const { state } = await executeCommand(ports.store, cascadeDecider, cascadeStream(input.tenant, input.cascadeId), { type: 'CompleteCascade', targets: outcomes }, stepContext(ports, input));
  return { tenant: input.tenant, cascadeId: input.cascadeId, status: state.status };
};
