import { SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../../adapters/observability/logger.ts';
import { countWebhookParked } from '../../adapters/observability/metrics.ts';
import { sqsRetryScheduler } from '../../adapters/webhooks/sqs-retry-scheduler.ts';
import { createWebhookDelivery } from '../../application/webhooks/delivery.ts';
import { AWS_RETRY_DELAYS_MS } from '../../application/webhooks/retry-scheduler.ts';
import { required } from '../../manifest/environment.ts';
import { webhookPorts } from './webhook-wiring.ts';
import { env } from './wiring.ts';

const queueUrl = required(env, 'WEBHOOK_RETRY_QUEUE_URL', 'webhook retries have nowhere to go');

/** Retries wait on the retry queue (SQS), consumed by retry.ts. */
export const scheduler = sqsRetryScheduler(new SQSClient({ maxAttempts: 5 }), queueUrl);

/**
 * Webhook delivery as the Lambda functions run it: the secret store and URL policy this process is
 * configured with, parked payloads in the dead-letter table, retries on SQS with AWS's schedule
 * (WEBHOOK_RETRY_DELAYS_MS overrides it).
 */
export const delivery = createWebhookDelivery({
  ...webhookPorts(),
  log: logger,
  countParked: countWebhookParked,
  scheduler,
  retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS ?? AWS_RETRY_DELAYS_MS,
});
