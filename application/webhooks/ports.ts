import type { EventStore } from '../../domain/event-store.ts';
import { activeSubscription, activeSubscriptions, subscriptionsDecider, type Subscription } from '../../domain/subscription/decider.ts';
import type { UrlPolicy } from '../../domain/subscription/url.ts';
import { loadState } from '../load-state.ts';
import type { WebhookEvent } from './event.ts';
import { subscriptionsStream } from './streams.ts';

/**
 * Where the subscriptions' signing secrets are kept (a port). The API writes a secret when the
 * subscription is created; the delivery worker reads it to sign. A secret never enters an event,
 * a log line, an error or any response but the one that created it.
 *
 * In AWS: Secrets Manager, one secret per subscription (adapters/webhooks/secrets.ts); locally: files.
 */
export interface WebhookSecrets {
  put(tenant: string, subscriptionId: string, secret: string): Promise<void>;
  /** The secret, or undefined when none is stored. */
  get(tenant: string, subscriptionId: string): Promise<string | undefined>;
  /** Forgets the secret of a deleted subscription; removing one that is gone already is fine. */
  remove(tenant: string, subscriptionId: string): Promise<void>;
}

/**
 * The events of parked deliveries, kept for redelivery (a port). Not in the event store: a parked
 * event would be published again inside WebhookDeliveryParked and could outgrow EventBridge's
 * 256 KB. An event holds only the tenant's own data and never a secret. DynamoDB everywhere (adapters/webhooks/dead-letter-payloads.ts).
 */
export interface DeadLetterPayloads {
  put(tenant: string, subscriptionId: string, event: WebhookEvent, eventId: string): Promise<void>;
  get(tenant: string, subscriptionId: string, eventId: string): Promise<WebhookEvent | undefined>;
}

/**
 * The deliveries made, by subscription and event id (a port): an event published twice (by the
 * region that took publishing over, which publishes the last minutes again; or by the bus's own
 * redelivery) reaches each receiver once. Written after the receiver took it, so a delivery never
 * made is never skipped; one made in the instant before a region was lost may be made again
 * (receivers de-duplicate by `webhook-id`, the event id).
 */
export interface DeliveryLog {
  delivered(subscriptionId: string, eventId: string): Promise<boolean>;
  record(subscriptionId: string, eventId: string): Promise<void>;
}

/** A 2xx is delivered; anything else is a failure named by a code, never by what the receiver said. */
export type SendOutcome = { delivered: true; status: number } | { delivered: false; error: string };

/** One signed POST of an event to a URL (adapters/webhooks/send.ts): the URL checked against the policy, nothing followed or read. */
export type SendWebhook = (url: string, secret: string, event: WebhookEvent, eventId: string, options: { policy: UrlPolicy; timeoutMs?: number }) => Promise<SendOutcome>;

/** What delivering and redelivering webhooks needs from where it runs. */
export interface WebhookPorts {
  store: EventStore;
  secrets: WebhookSecrets;
  payloads: DeadLetterPayloads;
  /** Deliveries made (none: every event is sent as it comes). */
  deliveries?: DeliveryLog | undefined;
  send: SendWebhook;
  policy: UrlPolicy;
  /** The region commits are recorded in. */
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
  return ports.send(subscription.url, secret, event, eventId, { policy: ports.policy, timeoutMs: ports.timeoutMs ?? 5_000 });
};
