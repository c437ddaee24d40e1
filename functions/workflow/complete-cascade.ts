import type { CascadeInput } from './cascade-workflow.ts';
import { recordStep } from './cascade-steps.ts';

/** CompleteCascade: succeeded, partial or failed, from the targets' outcomes. */
export const handler = async (input: CascadeInput) => {
  const { state } = await recordStep(input, { type: 'CompleteCascade' });
  return { tenant: input.tenant, cascadeId: input.cascadeId, status: state.status };
};
