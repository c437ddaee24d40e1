import { cascadeDecider, finished } from '../../domain/cascade/decider.ts';
import { liveCascade } from '../cascades.ts';
import { executeCommand } from '../command.ts';
import { eventStore } from '../config.ts';
import { cascadeStream } from '../event-store/stream-ids.ts';
import type { CascadeInput } from './cascade-workflow.ts';
import { recordStep, stepContext } from './cascade-steps.ts';

/**
 * CompleteCascade: succeeded, partial or failed, from the round's targets as their streams have
 * them. Also reached when planning or the Map failed (`error`): targets left unfinished are
 * recorded as failed first, so no cascade stays `running` and a redrive can pick them up.
 */
export const handler = async (input: CascadeInput & { error?: { Error: string; Cause: string } }) => {
  const { state: cascade } = await liveCascade(eventStore, input.tenant, input.cascadeId);
  if (cascade.status === 'none') throw new Error(`cascade ${input.cascadeId} does not exist`);
  // A repeated or stale execution (the round already completed, or a later one under way) changes nothing.
  if (cascade.status !== 'running' || (input.round ?? cascade.round) !== cascade.round) return { tenant: input.tenant, cascadeId: input.cascadeId, status: cascade.status };
  const why = input.error ? `the workflow stopped (${input.error.Error}) before this MNO finished` : 'the workflow ended before this MNO finished';
  const outcomes = await Promise.all(
    cascade.targets
      .filter((t) => cascade.roundTargets.includes(t.mno))
      .map(async (t) => {
        if (finished(t)) return t;
        const work = { tenant: input.tenant, cascadeId: input.cascadeId, round: cascade.round, mno: t.mno };
        return (await recordStep(work, { type: 'MarkFailed', mno: t.mno, error: why, permanent: false })).state;
      }),
  );
  const { state } = await executeCommand(eventStore, cascadeDecider, cascadeStream(input.tenant, input.cascadeId), { type: 'CompleteCascade', targets: outcomes }, stepContext(input));
  return { tenant: input.tenant, cascadeId: input.cascadeId, status: state.status };
};
