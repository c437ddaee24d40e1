import type { Signal } from '../../domain/signals/signals.ts';
import { sendOnce, type BatchIds, type SignalQueue } from './ports.ts';

/** Records a queued batch holds at most (a pushed batch's limit). */
export const FILE_CHUNK = 1000;

export interface FilePorts {
  queue: SignalQueue;
  /** Batch ids taken once, for as long as a file may be notified again (days, not the push window). */
  batchIds: BatchIds;
  nowMs(): number;
}

/**
 * A CDR file's signals, queued in chunks of FILE_CHUNK, each chunk's id taken once (`file:<file id>:<n>`):
 * a file notified twice, or processed again after a stop midway, queues each chunk once.
 */
export const queueFileSignals = async (ports: FilePorts, mno: string, fileId: string, signals: readonly Signal[]) => {
  let queued = 0;
  for (let start = 0, n = 0; start < signals.length; start += FILE_CHUNK, n++) {
    const chunk = signals.slice(start, start + FILE_CHUNK);
    if ((await sendOnce(ports.batchIds, ports.queue, { mno, batchId: `file:${fileId}:${n}`, receivedAt: new Date(ports.nowMs()).toISOString(), signals: [...chunk] })) === 'sent') queued += chunk.length;
  }
  return { queued };
};
