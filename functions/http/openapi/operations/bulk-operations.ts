import type { Operations } from '../operation.ts';

export const BULK_OPERATIONS = {} satisfies Operations;
