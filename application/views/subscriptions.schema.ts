import * as z from '../../domain/zod-mini.ts';
import { EventTypeFilter, SubscriptionId, WebhookDeliveryEvents } from '../../domain/subscription/events.ts';

/**
 * The webhook subscriptions and their dead letters as the API answers them (the OpenAPI
 * document's, and the views' return types). Not bundled into a function: the views import only
 * their types.
 */
export const SubscriptionView = z.strictObject({
  id: SubscriptionId,
  url: z.string(),
  /** Event types (GET /v1/events/schemas), or `*` alone for every one. */
  eventTypes: z.array(EventTypeFilter),
});

/** A subscription just created, with its signing secret (Standard Webhooks: `whsec_` + base64 of 32 bytes): the only time it is shown. */
export const CreatedSubscription = z.extend(SubscriptionView, { secret: z.string() });

/** The tenant's active subscriptions (never their secrets); not paged: a tenant has at most 25. */
export const SubscriptionList = z.strictObject({ items: z.array(SubscriptionView) });

/** A delivery that failed every attempt, parked: the event's id and type, the attempts so far, why the last failed, when it was parked. */
export const DeadLetter = WebhookDeliveryEvents.WebhookDeliveryParked;

/** A subscription's dead letters, oldest first. */
export const DeadLetterList = z.strictObject({ items: z.array(DeadLetter) });

/** One redelivery attempt: whether it went through; if not, the dead letter as it now stands. */
export const Redelivery = z.strictObject({
  eventId: z.string(),
  delivered: z.boolean(),
  deadLetter: z.optional(DeadLetter),
});
