import type { Operations } from '../operation.ts';

export const INTEGRATION_OPERATIONS = {} satisfies Operations;
