import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { putEvents, type Pending } from '../../adapters/event-bus/put-events.ts';
import { commitOf, StreamEvent } from '../../adapters/event-store/stream-records.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { traced } from '../../adapters/observability/tracer.ts';
import { busDetailOf, originatedIn } from '../../application/publishing.ts';
import { currentTypeOf } from '../../domain/cascade/renamed.ts';
import { SOURCE } from '../../manifest/rules.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { config, env } from '../lambda/wiring.ts';

const eventBridge = traced(new EventBridgeClient({}));

/**
 * DynamoDB stream → EventBridge: one event per domain event of each commit appended in this
 * region (`source` switchboard, `detail-type` the event type), batched across records within
 * PutEvents' limits. Entries that still fail after retries are never dropped: their record is
 * reported as the batch item failure, so the stream redelivers from there (consumers
 * de-duplicate by event id). Hand-written rather than Powertools' per-record BatchProcessor,
 * because entries of many records share one PutEvents call.
 */
export const handler = lambdaHandler(StreamEvent, async (event): Promise<DynamoDBBatchResponse> => {
  const pending: Pending[] = [];
  for (const record of event.Records) {
    const commit = commitOf(record);
    if (!commit || !originatedIn(commit, config.region)) continue;
    for (const e of commit.events)
      pending.push({
        sequenceNumber: record.dynamodb.SequenceNumber,
        // Under the name the event is known by now (a renamed type's stored events keep their old one).
        entry: { EventBusName: env.EVENT_BUS_NAME, Source: SOURCE, DetailType: currentTypeOf(commit.streamId, e.type), Time: new Date(commit.metadata.time), Detail: JSON.stringify(busDetailOf(commit, e)) },
      });
  }
  const failed = await putEvents(eventBridge, pending);
  if (failed.length === 0) return { batchItemFailures: [] };
  // Streams are ordered: report the earliest failed record; it and all after it come again.
  const order = event.Records.map((r) => r.dynamodb.SequenceNumber);
  const first = failed.map((f) => order.indexOf(f.sequenceNumber)).sort((a, b) => a - b)[0]!;
  logger.error('events not published after retries', { failed: failed.length, firstSequenceNumber: order[first] });
  return { batchItemFailures: [{ itemIdentifier: order[first]! }] };
});
