import type { EventStore } from '../../domain/event-store.ts';
import { activeSubscription, activeSubscriptions, subscriptionsDecider, type Subscription } from '../../domain/subscription/decider.ts';
import type { UrlPolicy } from '../../domain/subscription/url.ts';
import { loadState } from '../load-state.ts';
import type { DeadLetterPayloads } from '../../adapters/webhooks/dead-letter-payloads.ts';
import type { WebhookEvent } from './event.ts';
import type { WebhookSecrets } from '../../adapters/webhooks/secrets.ts';
import { sendWebhook, type SendOutcome } from '../../adapters/webhooks/send.ts';
import { subscriptionsStream } from './streams.ts';

/** What delivering and redelivering webhooks needs from where it runs. */
export interface WebhookPorts {
  store: EventStore;
  secrets: WebhookSecrets;
  payloads: DeadLetterPayloads;
  policy: UrlPolicy;
  /** The region commits are recorded in (the forwarder publishes only its own region's). */
  region: string;
  /** One attempt's limit; default 5 s. */
  timeoutMs?: number | undefined;
}

export const loadSubscriptions = async (store: EventStore, tenant: string) =>
  (await loadState(store, subscriptionsDecider, subscriptionsStream(tenant))).state;

/** The tenant's subscription with this id, unless there is none or it was deleted. */
export const findSubscription = async (store: EventStore, tenant: string, id: string) => activeSubscription(await loadSubscriptions(store, tenant), id);

export const subscriptionsOf = async (store: EventStore, tenant: string) => activeSubscriptions(await loadSubscriptions(store, tenant));

/** One signed attempt with the subscription's secret from the secret store. */
export const attemptDelivery = async (ports: WebhookPorts, tenant: string, subscription: Subscription, event: WebhookEvent, eventId: string): Promise<SendOutcome> => {
  const secret = await ports.secrets.get(tenant, subscription.id);
  if (!secret) return { delivered: false, error: 'no-signing-secret' };
  return sendWebhook(subscription.url, secret, event, eventId, { policy: ports.policy, timeoutMs: ports.timeoutMs ?? 5_000 });
};
