import type { Operations } from '../operation.ts';

export const PLATFORM_OPERATIONS = {} satisfies Operations;
