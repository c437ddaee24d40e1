import type { Signal } from '../../domain/signals/signals.ts';
import type { SignalQueue } from './ports.ts';

/** Records a queued batch holds at most (a pushed batch's limit). */
export const FILE_CHUNK = 1000;

export interface FilePorts {
  queue: SignalQueue;
  /** Batch ids taken once, for as long as a file may be notified again (days, not the push window). */
  batchIds: { take(mno: string, batchId: string): Promise<boolean>; release(mno: string, batchId: string): Promise<void> };
  nowMs(): number;
}

/**
 * A CDR file's signals, queued in chunks of FILE_CHUNK, each chunk's id taken once (`file:<file id>:<n>`):
 * a file notified twice, or processed again after a stop midway, queues each chunk once.
 */
export const queueFileSignals = async (ports: FilePorts, mno: string, fileId: string, signals: readonly Signal[]) => {
  let queued = 0;
  for (let start = 0, n = 0; start < signals.length; start += FILE_CHUNK, n++) {
    const batchId = `file:${fileId}:${n}`;
    if (!(await ports.batchIds.take(mno, batchId))) continue;
    const chunk = signals.slice(start, start + FILE_CHUNK);
    await ports.queue.send({ mno, batchId, receivedAt: new Date(ports.nowMs()).toISOString(), signals: [...chunk] }).catch(async (error: unknown) => {
      await ports.batchIds.release(mno, batchId);
      throw error;
    });
    queued += chunk.length;
  }
  return { queued };
};
