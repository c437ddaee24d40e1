import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventStore } from '../../../domain/event-store.ts';
import { dynamoDbDeadLetterPayloads } from '../../../functions/webhooks/dead-letter-payloads.ts';
import { createWebhookDelivery } from '../../../functions/webhooks/delivery.ts';
import type { WebhookEvent } from '../../../functions/webhooks/event.ts';
import { urlPolicyFromEnv } from '../../../functions/webhooks/ports.ts';
import { retryDelaysFromEnv } from '../../../functions/webhooks/retry-scheduler.ts';
import { webhookSecretsFromEnv } from '../../../functions/webhooks/secrets.ts';
import { timerScheduler } from './timer-scheduler.ts';

export interface LocalWebhooksOptions {
  store: EventStore;
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
  const scheduler = timerScheduler((retry) => delivery.retry(retry));
  const delivery = createWebhookDelivery({
    store: options.store,
    secrets: webhookSecretsFromEnv(),
    payloads: dynamoDbDeadLetterPayloads(options.dynamodb ?? new DynamoDBClient({})),
    policy: urlPolicyFromEnv(),
    region: process.env.AWS_REGION ?? 'local',
    scheduler,
    retryDelaysMs: options.retryDelaysMs ?? retryDelaysFromEnv(),
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
