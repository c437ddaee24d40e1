import { randomUUID } from 'node:crypto';
import { BATCH_SEND_MS, type BatchIds } from '../../application/signals/ports.ts';

/** Batch ids in memory, for the unit tier: what the DynamoDB adapter keeps, by the given clock. */
export const memoryBatchIds = (nowMs: () => number = Date.now): BatchIds & { marks: Map<string, { state: string; token?: string; at: number }> } => {
  const marks = new Map<string, { state: string; token?: string; at: number }>();
  const mark = (id: string, state: string, token: string) => {
    if (marks.get(id)?.token === token) marks.set(id, { state, at: nowMs() });
  };
  return {
    marks,
    async take(mno, batchId) {
      const id = `${mno}#${batchId}`;
      const held = marks.get(id);
      if (held && held.state === 'sent') return { state: 'sent' };
      if (held && held.state === 'sending' && held.at >= nowMs() - BATCH_SEND_MS) return { state: 'in-flight' };
      const token = randomUUID();
      marks.set(id, { state: 'sending', token, at: nowMs() });
      return { state: 'taken', token };
    },
    confirm: async (mno, batchId, token) => mark(`${mno}#${batchId}`, 'sent', token),
    release: async (mno, batchId, token) => mark(`${mno}#${batchId}`, 'released', token),
  };
};
