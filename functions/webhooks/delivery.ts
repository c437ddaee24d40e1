import { wants, type Subscription } from '../../domain/subscription/decider.ts';
import { WEBHOOK_EVENT_TYPES } from '../../domain/subscription/events.ts';
import { logger } from '../logger.ts';
import { park } from './dead-letters.ts';
import { addressOf, type WebhookEvent } from './event.ts';
import { attemptDelivery, findSubscription, subscriptionsOf, type WebhookPorts } from './ports.ts';
import { DEFAULT_RETRY_DELAYS_MS, type RetryScheduler } from './retry-scheduler.ts';

export interface WebhookDeliveryOptions extends WebhookPorts {
  scheduler: RetryScheduler;
  /** The delay before each retry; after the last one fails, the delivery is parked. */
  retryDelaysMs?: readonly number[] | undefined;
  /** Each delay is stretched by up to this fraction at random, so that retries to one receiver spread out. Default 0.1. */
  jitter?: number | undefined;
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;

/**
 * The bus's `webhooks` target: each event goes to every active subscription of its own tenant
 * (detail.tenant, checked against its stream id) that wants its type, at least once, signed.
 * A 2xx is delivered; a failure is retried per `retryDelaysMs` through the scheduler, each retry
 * re-reading the subscription (a deleted one gets nothing more); when the last retry fails, the
 * delivery is parked on the subscription's dead-letter list. Platform events (no tenant) and the
 * webhooks' own events are never delivered.
 *
 * `deliver` resolves after the first attempt to each subscription; it rejects only when the
 * subscriptions could not be read, so that the bus retries the event (receivers de-duplicate by
 * `webhook-id`).
 */
export const createWebhookDelivery = (options: WebhookDeliveryOptions) => {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const jitter = options.jitter ?? 0.1;

  const attempt = async (tenant: string, given: Subscription | undefined, subscriptionId: string, event: WebhookEvent, eventId: string, n: number) => {
    let error: string;
    try {
      const subscription = given ?? (await findSubscription(options.store, tenant, subscriptionId));
      if (!subscription) return;
      const outcome = await attemptDelivery(options, tenant, subscription, event, eventId);
      if (outcome.delivered) return;
      error = outcome.error;
    } catch (e) {
      logger.warn('webhook attempt could not be made', { tenant, subscriptionId, eventId, attempt: n, error: (e as Error).name });
      error = 'internal-error';
    }
    const delay = delays[n - 1];
    if (delay !== undefined) {
      options.scheduler.schedule(Math.round(delay * (1 + Math.random() * jitter)), () => attempt(tenant, undefined, subscriptionId, event, eventId, n + 1));
      return;
    }
    logger.warn('webhook delivery parked', { tenant, subscriptionId, eventId, attempts: n, lastError: error });
    await park(options, tenant, subscriptionId, event, eventId, n, error).catch((e: unknown) =>
      logger.error('webhook delivery could not be parked', { tenant, subscriptionId, eventId, error: (e as Error).name }),
    );
  };

  return {
    async deliver(event: WebhookEvent): Promise<void> {
      const address = addressOf(event);
      const type = event['detail-type'];
      if (!address || WEBHOOK_EVENT_TYPES.has(type)) return;
      const subscriptions = (await subscriptionsOf(options.store, address.tenant)).filter((s) => wants(s, type));
      await Promise.all(subscriptions.map((s) => attempt(address.tenant, s, s.id, event, address.eventId, 1)));
    },
  };
};
