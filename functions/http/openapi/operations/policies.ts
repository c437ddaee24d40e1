import type { Operations } from '../operation.ts';

export const POLICY_OPERATIONS = {} satisfies Operations;
