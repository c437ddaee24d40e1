import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RetryScheduler } from '../../application/webhooks/retry-scheduler.ts';

/** The longest an SQS message can be delayed; a retry due later hops (retry-handler.ts). */
export const SQS_MAX_DELAY_SECONDS = 900;

/**
 * The RetryScheduler in AWS: one message per retry on the retry queue, delayed by up to 15
 * minutes. The message is the WebhookRetry as JSON (references and the event, never a secret).
 * Resolves when SQS has stored it; a failure to send rejects, so the caller's trigger retries.
 */
export const sqsRetryScheduler = (client: SQSClient, queueUrl: string): RetryScheduler => ({
  async schedule(delayMs, retry) {
    const delaySeconds = Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(retry), DelaySeconds: delaySeconds }));
  },
});
