import * as z from '../zod-mini.ts';

export { SubscriptionId } from './subscription-id.ts';
import { SubscriptionId } from './subscription-id.ts';
import { lazySchemas } from '../events.ts';

/** An event type (domain/event-catalogue.ts) or `*` for every one. */
export const EventTypeFilter = z.string().check(z.regex(/^(\*|[A-Z][A-Za-z0-9]{1,79})$/, 'an event type such as SimActivated, or *'));

/**
 * Why the last attempt failed, as a code only: `http-<status>` or a network error code
 * (`timeout`, `ECONNREFUSED`, `address-not-allowed`, …). Never the receiver's body or headers.
 */
export const DeliveryError = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a status or error code'));

/**
 * The webhook subscriptions of one tenant (stream `T#<tenant>#SUBSCRIPTIONS`). The signing secret
 * is never in an event: it lives in the secret store (functions/webhooks/secrets.ts).
 */
export const SubscriptionEvents = lazySchemas({
  SubscriptionCreated: () => z.object({ id: SubscriptionId, url: z.url(), eventTypes: z.array(EventTypeFilter).check(z.minLength(1)) }),
  SubscriptionDeleted: () => z.object({ id: SubscriptionId }),
});

/**
 * What became of deliveries to one subscription that failed every attempt (stream
 * `T#<tenant>#SUBSCRIPTION#<id>`): its dead-letter list. The event that was not delivered is kept
 * outside the event store (functions/webhooks/dead-letter-payloads.ts), keyed by its event id.
 */
export const WebhookDeliveryEvents = lazySchemas({
  WebhookDeliveryParked: () => z.object({
    eventId: z.string().check(z.minLength(1), z.maxLength(128)),
    detailType: z.string().check(z.minLength(1), z.maxLength(128)),
    /** Attempts so far, redeliveries included. */
    attempts: z.number().check(z.int(), z.gte(1)),
    lastError: DeliveryError,
    parkedAt: z.iso.datetime(),
  }),
  WebhookRedelivered: () => z.object({ eventId: z.string().check(z.minLength(1), z.maxLength(128)), redeliveredAt: z.iso.datetime() }),
});

type Union<Defs extends Record<string, z.ZodMiniType>> = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
export type SubscriptionEvent = Union<typeof SubscriptionEvents>;
export type WebhookDeliveryEvent = Union<typeof WebhookDeliveryEvents>;

/**
 * The events about webhooks themselves. They are never delivered to webhooks: a receiver that is
 * down would otherwise be sent the news of its own parked deliveries, each failing and parking again.
 */
export const WEBHOOK_EVENT_TYPES: ReadonlySet<string> = new Set([...Object.keys(SubscriptionEvents), ...Object.keys(WebhookDeliveryEvents)]);
