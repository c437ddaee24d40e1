import type { Operations } from '../operation.ts';

export const SIM_OPERATIONS = {} satisfies Operations;
