import type { Operations } from '../operation.ts';

export const ENTERPRISE_OPERATIONS = {} satisfies Operations;
