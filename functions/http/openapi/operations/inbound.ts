import type { Operations } from '../operation.ts';

export const INBOUND_OPERATIONS = {} satisfies Operations;
