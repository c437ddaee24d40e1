import type { DynamoDBBatchResponse } from 'aws-lambda';
import { entriesOf } from '../../adapters/event-bus/commit-entries.ts';
import { putEvents, type Pending } from '../../adapters/event-bus/put-events.ts';
import { commitOf, StreamEvent } from '../../adapters/event-store/stream-records.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { eventBridge, heldElsewhere, published, publisherStatusOnceHeld } from '../lambda/publisher-wiring.ts';
import { env } from '../lambda/wiring.ts';

/**
 * DynamoDB stream → EventBridge, in the region that holds the publishing lease: one event per
 * domain event of every commit, whichever region appended it (each replica's stream carries every
 * write), batched across records within PutEvents' limits; then the lease's watermark moves on. The
 * other region's forwarder passes its records by while that lease holds: should its region take the
 * lease over, it publishes again everything since the watermark (application/lease/publisher.ts);
 * while no region holds it, batches are retried, never passed by. Entries that still fail
 * after retries are never dropped: their record is reported as the batch item failure, so the
 * stream redelivers from there (consumers de-duplicate by event id). Hand-written rather than
 * Powertools' per-record BatchProcessor, because entries of many records share one PutEvents call.
 */
export const handler = lambdaHandler(StreamEvent, async (event, context): Promise<DynamoDBBatchResponse> => {
  const commits = event.Records.flatMap((record) => {
    const commit = commitOf(record);
    return commit ? [{ commit, sequenceNumber: record.dynamodb.SequenceNumber }] : [];
  });
  if (commits.length === 0) return { batchItemFailures: [] };
  // Locally there is no deadline: a minute, as the function's timeout.
  const lease = await publisherStatusOnceHeld(Date.now() + Math.max(0, (context.getRemainingTimeInMillis?.() ?? 60_000) - 10_000));
  if (!lease.holder) {
    // Another region publishes: its own stream carries these commits too.
    if (heldElsewhere(lease, Date.now())) return { batchItemFailures: [] };
    // No region holds the lease now (it lapsed, a takeover under way): the batch waits for it, never dropped.
    throw new Error('no region holds the publishing lease now: the batch is retried');
  }
  const pending: Pending[] = commits.flatMap(({ commit, sequenceNumber }) => entriesOf(commit, env.EVENT_BUS_NAME).map((entry) => ({ sequenceNumber, entry })));
  const failed = await putEvents(eventBridge, pending);
  if (failed.length === 0) {
    await published(lease.token, commits.map((c) => c.commit.metadata.time).reduce((a, b) => (a > b ? a : b)));
    return { batchItemFailures: [] };
  }
  // Streams are ordered: report the earliest failed record; it and all after it come again.
  const order = event.Records.map((r) => r.dynamodb.SequenceNumber);
  const first = failed.map((f) => order.indexOf(f.sequenceNumber)).sort((a, b) => a - b)[0]!;
  logger.error('events not published after retries', { failed: failed.length, firstSequenceNumber: order[first] });
  return { batchItemFailures: [{ itemIdentifier: order[first]! }] };
});
