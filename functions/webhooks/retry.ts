import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../../domain/zod-mini.ts';
import { checked, lambdaHandler } from '../lambda/handler.ts';
import { delivery, scheduler } from '../lambda/webhook-delivery.ts';
import { WebhookRetry } from '../../application/webhooks/retry-scheduler.ts';

const processor = new BatchProcessor(EventType.SQS);

/** The fields of an SQS batch the consumer relies on (each record's body is parsed as a WebhookRetry on its own). */
const SqsEvent = z.object({ Records: z.array(z.looseObject({ messageId: z.string(), body: z.string() })) });

/** A retry whose time has not come (SQS delays at most 15 minutes) goes back on the queue for the rest. */
const EARLY_TOLERANCE_MS = 1_000;

const retryOne = async (record: SQSRecord) => {
  const parsed = WebhookRetry.safeParse(JSON.parse(record.body));
  // A message that is not a retry fails: SQS moves it to the queue's dead-letter queue after its receives.
  if (!parsed.success) throw new Error(`message ${record.messageId} is not a webhook retry`);
  const retry = parsed.data;
  const wait = Date.parse(retry.dueAt) - Date.now();
  if (wait > EARLY_TOLERANCE_MS) return scheduler.schedule(wait, retry);
  await delivery.retry(retry);
};

/**
 * The webhook retry queue's consumer: each due retry is one more signed attempt (then the next
 * retry is queued, or the delivery parked). Records that fail are reported as batch item failures
 * (Powertools batch), so only they are received again.
 */
export const handler = lambdaHandler(checked<SQSEvent>(SqsEvent), (event, context) => processPartialResponse(event, retryOne, processor, { context }));
