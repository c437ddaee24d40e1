import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { logger } from '../observability/logger.ts';

/** PutEvents limits: 10 entries and 256 KB a call. */
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;
const ATTEMPTS = 3;

export interface Pending {
  entry: PutEventsRequestEntry;
  /** The stream record it came from, for batch item failures. */
  sequenceNumber: string;
}

const sizeOf = (e: PutEventsRequestEntry) => Buffer.byteLength(`${e.Source}${e.DetailType}${e.Detail}${e.EventBusName ?? ''}`) + 14;

/** Consecutive chunks within both limits. */
const chunks = (pending: Pending[]) => {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    const size = sizeOf(p.entry);
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
};

/** Sends entries, retrying only those PutEvents reports as failed; returns what still failed. */
export const putEvents = async (eventBridge: EventBridgeClient, pending: Pending[]): Promise<Pending[]> => {
  let left = pending;
  for (let attempt = 1; attempt <= ATTEMPTS && left.length > 0; attempt++) {
    if (attempt > 1) await new Promise((ok) => setTimeout(ok, 50 * 2 ** attempt * Math.random()));
    const failed: Pending[] = [];
    for (const chunk of chunks(left)) {
      try {
        const out = await eventBridge.send(new PutEventsCommand({ Entries: chunk.map((p) => p.entry) }));
        out.Entries?.forEach((result, i) => result.ErrorCode && failed.push(chunk[i]!));
      } catch (error) {
        logger.warn('PutEvents failed', { error: error as Error, entries: chunk.length });
        failed.push(...chunk);
      }
    }
    left = failed;
  }
  return left;
};
