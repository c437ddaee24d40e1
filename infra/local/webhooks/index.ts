import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { logger } from '../../../adapters/observability/logger.ts';
import { countWebhookParked } from '../../../adapters/observability/metrics.ts';
import { dynamoDbDeadLetterPayloads } from '../../../adapters/webhooks/dead-letter-payloads.ts';
import { dynamoDbDeliveryLog } from '../../../adapters/webhooks/delivery-log.ts';
import { webhookSecretsFor } from '../../../adapters/webhooks/secrets.ts';
import { sendWebhook } from '../../../adapters/webhooks/send.ts';
import { urlPolicyFor } from '../../../adapters/webhooks/url-policy.ts';
import { createWebhookDelivery } from '../../../application/webhooks/delivery.ts';
import type { WebhookEvent } from '../../../application/webhooks/event.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { readEnvironment, type Environment } from '../../../manifest/environment.ts';
import { timerScheduler } from './timer-scheduler.ts';

export interface LocalWebhooksOptions {
  store: EventStore;
  /** Where secrets, the URL policy, the dead-letter table and the retry delays come from; the process's environment by default. */
  env?: Environment | undefined;
  /** DynamoDB (Local) for the dead-letter payload table; a client from the environment by default. */
  dynamodb?: DynamoDBClient | undefined;
  /** Delays before each retry; else WEBHOOK_RETRY_DELAYS_MS (`1000,2000,4000`), else 1 s, 2 s, 4 s, 8 s, 30 s. */
  retryDelaysMs?: readonly number[] | undefined;
  timeoutMs?: number | undefined;
}

export type LocalWebhooks = ReturnType<typeof startLocalWebhooks>;

/**
 * Webhook delivery on this machine: the bus's `webhooks` target. Secrets from WEBHOOK_SECRETS_DIR,
 * the URL policy from SWITCHBOARD_ALLOW_HTTP_WEBHOOKS, dead-letter payloads in DynamoDB (Local)
 * (WEBHOOK_DEAD_LETTERS_TABLE), retries on in-process timers (WEBHOOK_RETRY_DELAYS_MS). `idle()`
 * waits for first attempts and retries alike; `stop()` cancels pending retries.
 */
export const startLocalWebhooks = (options: LocalWebhooksOptions) => {
  const env = options.env ?? readEnvironment();
  const scheduler = timerScheduler((retry) => delivery.retry(retry));
  const dynamodb = options.dynamodb ?? new DynamoDBClient({});
  const delivery = createWebhookDelivery({
    store: options.store,
    secrets: webhookSecretsFor(env),
    payloads: dynamoDbDeadLetterPayloads(dynamodb, env.WEBHOOK_DEAD_LETTERS_TABLE),
    deliveries: dynamoDbDeliveryLog(dynamodb, env.WEBHOOK_DELIVERIES_TABLE),
    send: sendWebhook,
    log: logger,
    countParked: countWebhookParked,
    policy: urlPolicyFor(env),
    region: env.AWS_REGION,
    scheduler,
    retryDelaysMs: options.retryDelaysMs ?? env.WEBHOOK_RETRY_DELAYS_MS,
    timeoutMs: options.timeoutMs,
  });
  const inFlight = new Set<Promise<void>>();
  return {
    /** The `webhooks` target of the bus: rejects only when the subscriptions could not be read (the bus retries). */
    deliver(event: WebhookEvent): Promise<void> {
      const run = delivery.deliver(event).finally(() => inFlight.delete(run));
      inFlight.add(run);
      return run;
    },
    async idle() {
      do {
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        await scheduler.idle();
      } while (inFlight.size > 0);
    },
    stop: () => scheduler.stop(),
  };
};
