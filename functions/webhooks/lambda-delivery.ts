import { SQSClient } from '@aws-sdk/client-sqs';
import { config, dynamodb, eventStore } from '../config.ts';
import { traced } from '../tracer.ts';
import { dynamoDbDeadLetterPayloads } from './dead-letter-payloads.ts';
import { createWebhookDelivery } from './delivery.ts';
import { urlPolicyFromEnv } from './ports.ts';
import { AWS_RETRY_DELAYS_MS, retryDelaysFromEnv } from './retry-scheduler.ts';
import { webhookSecretsFromEnv } from './secrets.ts';
import { sqsRetryScheduler } from './sqs-retry-scheduler.ts';

const queueUrl = process.env.WEBHOOK_RETRY_QUEUE_URL;
if (!queueUrl) throw new Error('WEBHOOK_RETRY_QUEUE_URL is not set: webhook retries have nowhere to go');

/** Retries wait on the retry queue (SQS), consumed by retry-handler.ts. */
export const scheduler = sqsRetryScheduler(traced(new SQSClient({ maxAttempts: 5 })), queueUrl);

/**
 * Webhook delivery as the Lambda functions run it: the secret store and URL policy this process is
 * configured with, parked payloads in the dead-letter table, retries on SQS with AWS's schedule
 * (WEBHOOK_RETRY_DELAYS_MS overrides it).
 */
export const delivery = createWebhookDelivery({
  store: eventStore,
  secrets: webhookSecretsFromEnv(),
  payloads: dynamoDbDeadLetterPayloads(dynamodb),
  policy: urlPolicyFromEnv(),
  region: config.region,
  scheduler,
  retryDelaysMs: retryDelaysFromEnv() ?? AWS_RETRY_DELAYS_MS,
});
