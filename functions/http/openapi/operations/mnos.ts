import type { Operations } from '../operation.ts';

export const MNO_OPERATIONS = {} satisfies Operations;
