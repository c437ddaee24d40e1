import { wants, type Subscription } from '../../domain/subscription/decider.ts';
import { WEBHOOK_EVENT_TYPES } from '../../domain/subscription/events.ts';
import type { Log } from '../ports/log.ts';
import { park } from './dead-letters.ts';
import { addressOf, type WebhookEvent } from './event.ts';
import { attemptDelivery, findSubscription, subscriptionsOf, type WebhookPorts } from './ports.ts';
import { DEFAULT_RETRY_DELAYS_MS, type RetryScheduler, type WebhookRetry } from './retry-scheduler.ts';

export interface WebhookDeliveryOptions extends WebhookPorts {
  scheduler: RetryScheduler;
  /** The delay before each retry; after the last one fails, the delivery is parked. */
  retryDelaysMs?: readonly number[] | undefined;
  /** Each delay is stretched by up to this fraction at random, so that retries to one receiver spread out. Default 0.1. */
  jitter?: number | undefined;
  log: Log;
  /** A delivery parked after its last retry (a metric). */
  countParked(): void;
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
 * `deliver` makes the first attempts; `retry` runs one the scheduler brings back when it is due.
 */
export const createWebhookDelivery = (options: WebhookDeliveryOptions) => {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const jitter = options.jitter ?? 0.1;

  /** One attempt (n ≥ 1); on failure the next is scheduled, or after the last the delivery is parked. */
  const attempt = async (tenant: string, given: Subscription | undefined, subscriptionId: string, event: WebhookEvent, eventId: string, n: number) => {
    let error: string;
    try {
      const subscription = given ?? (await findSubscription(options.store, tenant, subscriptionId));
      if (!subscription) return;
      if (n === 1 && (await options.deliveries?.delivered(subscriptionId, eventId))) return;
      const outcome = await attemptDelivery(options, tenant, subscription, event, eventId);
      if (outcome.delivered) return void (await options.deliveries?.record(subscriptionId, eventId));
      error = outcome.error;
    } catch (e) {
      options.log.warn('webhook attempt could not be made', { tenant, subscriptionId, eventId, attempt: n, error: (e as Error).name });
      error = 'internal-error';
    }
    const delay = delays[n - 1];
    if (delay !== undefined) {
      const delayMs = Math.round(delay * (1 + Math.random() * jitter));
      const dueAt = new Date(Date.now() + delayMs).toISOString();
      await options.scheduler.schedule(delayMs, { tenant, subscriptionId, eventId, event, attempt: n + 1, dueAt });
      return;
    }
    options.log.warn('webhook delivery parked', { tenant, subscriptionId, eventId, attempts: n, lastError: error });
    await park(options, tenant, subscriptionId, event, eventId, n, error);
    options.countParked();
  };

  return {
    /**
     * The first attempt to every subscription that wants the event. Rejects when the subscriptions
     * could not be read, or a retry could not be scheduled or a delivery parked: the trigger (the
     * bus) then delivers the event again (receivers de-duplicate by `webhook-id`).
     */
    async deliver(event: WebhookEvent): Promise<void> {
      const address = addressOf(event);
      const type = event['detail-type'];
      if (!address || WEBHOOK_EVENT_TYPES.has(type)) return;
      const subscriptions = (await subscriptionsOf(options.store, address.tenant)).filter((s) => wants(s, type));
      const outcomes = await Promise.allSettled(subscriptions.map((s) => attempt(address.tenant, s, s.id, event, address.eventId, 1)));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
    /** A scheduled retry, when it is due; rejects when its next retry could not be scheduled or it could not be parked. */
    retry: (job: WebhookRetry): Promise<void> => attempt(job.tenant, undefined, job.subscriptionId, job.event, job.eventId, job.attempt),
  };
};
