import type { CascadeInput } from './cascade-workflow.ts';
import { loadCascade, recordStep } from './cascade-steps.ts';

const UNFINISHED = new Set(['pending', 'applying', 'applied']);

/**
 * CompleteCascade: succeeded, partial or failed, from the targets' outcomes. Also reached when
 * planning or the Map failed (`error`): targets left unfinished are recorded as failed first, so
 * no cascade stays `running` and a redrive can pick them up.
 */
export const handler = async (input: CascadeInput & { error?: { Error: string; Cause: string } }) => {
  const cascade = await loadCascade(input);
  const why = input.error ? `the workflow stopped (${input.error.Error}) before this MNO finished` : 'the workflow ended before this MNO finished';
  for (const target of cascade.targets.filter((t) => UNFINISHED.has(t.status)))
    await recordStep(input, { type: 'MarkFailed', mno: target.mno, error: why, permanent: false });
  const { state } = await recordStep(input, { type: 'CompleteCascade' });
  return { tenant: input.tenant, cascadeId: input.cascadeId, status: state.status };
};
