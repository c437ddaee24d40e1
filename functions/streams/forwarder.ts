import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { BUS_NAME, SOURCE } from '../events/rules.ts';
import { logger } from '../logger.ts';
import { traced } from '../tracer.ts';
import { commitOf, originatedHere } from './commits.ts';

const eventBridge = traced(new EventBridgeClient({}));
const busName = process.env.EVENT_BUS_NAME ?? BUS_NAME;

/** PutEvents limits: 10 entries and 256 KB a call. */
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;
const ATTEMPTS = 3;

interface Pending {
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
const send = async (pending: Pending[]): Promise<Pending[]> => {
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

/**
 * DynamoDB stream → EventBridge: one event per domain event of each commit appended in this
 * region (`source` switchboard, `detail-type` the event type), batched across records within
 * PutEvents' limits. Entries that still fail after retries are never dropped: their record is
 * reported as the batch item failure, so the stream redelivers from there (consumers
 * de-duplicate by event id). Hand-written rather than Powertools' per-record BatchProcessor,
 * because entries of many records share one PutEvents call.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const pending: Pending[] = [];
  for (const record of event.Records) {
    const commit = commitOf(record);
    if (!commit || !originatedHere(commit)) continue;
    const tenant = /^T#([^#]+)#/.exec(commit.streamId)?.[1] ?? null;
    for (const e of commit.events)
      pending.push({
        sequenceNumber: record.dynamodb!.SequenceNumber!,
        entry: {
          EventBusName: busName,
          Source: SOURCE,
          DetailType: e.type,
          Time: new Date(commit.metadata.time),
          Detail: JSON.stringify({ tenant, streamId: commit.streamId, version: e.version, eventId: e.id, schemaVersion: e.schemaVersion, data: e.data, metadata: commit.metadata }),
        },
      });
  }
  const failed = await send(pending);
  if (failed.length === 0) return { batchItemFailures: [] };
  // Streams are ordered: report the earliest failed record; it and all after it come again.
  const order = event.Records.map((r) => r.dynamodb?.SequenceNumber);
  const first = failed.map((f) => order.indexOf(f.sequenceNumber)).sort((a, b) => a - b)[0]!;
  logger.error('events not published after retries', { failed: failed.length, firstSequenceNumber: order[first] });
  return { batchItemFailures: [{ itemIdentifier: order[first]! }] };
};
