import { Duration, type Stack } from 'aws-cdk-lib';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { consumedQueue } from './dead-letter-queue.ts';
import { variable } from '../../manifest/environment.ts';
import { ALL_HANDLERS, WEBHOOK_DELIVER_ID, WEBHOOK_RETRY_ID } from './handlers.ts';

/** A retry is received at most this often before it goes to the retry queue's dead-letter queue. */
const RETRY_RECEIVES = 5;

/**
 * Webhook delivery in a region: the `deliver-webhooks` rule's target (the deliver function, invoked
 * asynchronously: the rule's own retries and dead-letter queue for invocations, the function's
 * failure destination for events it could not handle), and the retry queue that carries each
 * retry (delayed by SQS, up to 15 minutes a hop) to the retry function. Returns the rule target.
 */
export const webhookDelivery = (stack: Stack, functions: Record<string, NodejsFunction>, ruleDlq: IQueue) => {
  const retries = consumedQueue(
    stack,
    'WebhookRetries',
    RETRY_RECEIVES,
    `Webhook retries that failed ${RETRY_RECEIVES} receives: not a retry, or the next retry or the parking could not be recorded.`,
    'Read the retry function’s logs for the cause; once fixed, start a redrive of this queue to WebhookRetries from the SQS console.',
  );
  for (const spec of ALL_HANDLERS.filter((h) => h.access.queuesWebhookRetries)) {
    const fn = functions[spec.id]!;
    fn.addEnvironment(variable('WEBHOOK_RETRY_QUEUE_URL'), retries.queueUrl);
    retries.grantSendMessages(fn);
  }
  functions[WEBHOOK_RETRY_ID]!.addEventSource(new SqsEventSource(retries, { batchSize: 10, reportBatchItemFailures: true }));

  const deliver = functions[WEBHOOK_DELIVER_ID]!;
  return new LambdaFunction(deliver, { deadLetterQueue: ruleDlq, retryAttempts: 8, maxEventAge: Duration.hours(24) });
};
