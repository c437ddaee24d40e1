import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { SubscriptionEvents } from './events.ts';
import { DomainError } from '../errors.ts';
import { WEBHOOK_EVENT_TYPES, type SubscriptionEvent } from './events.ts';

/** Active subscriptions a tenant may hold at once: bounds the fan-out of every event. */
export const MAX_SUBSCRIPTIONS = 25;

export interface Subscription {
  id: string;
  url: string;
  eventTypes: string[];
}

export type SubscriptionCommand = { type: 'CreateSubscription'; subscription: Subscription } | { type: 'DeleteSubscription'; id: string };

/** A tenant's subscriptions by id; deleted ones stay (their ids are never reused), marked. */
export type SubscriptionsState = Readonly<Record<string, Subscription & { deleted: boolean }>>;

export const activeSubscriptions = (state: SubscriptionsState): Subscription[] =>
  Object.values(state)
    .filter((s) => !s.deleted)
    .map(({ id, url, eventTypes }) => ({ id, url, eventTypes }));

export const activeSubscription = (state: SubscriptionsState, id: string): Subscription | undefined => {
  const s = state[id];
  return s && !s.deleted ? { id: s.id, url: s.url, eventTypes: s.eventTypes } : undefined;
};

/** Whether a subscription wants events of this type (webhook events themselves never go out). */
export const wants = (subscription: Subscription, detailType: string) =>
  !WEBHOOK_EVENT_TYPES.has(detailType) && (subscription.eventTypes.includes('*') || subscription.eventTypes.includes(detailType));

/**
 * The webhook subscriptions of one tenant. Creating takes a fresh id (a repeat of the same id is a
 * conflict); deleting records that the subscription is gone, and deleting it again is a no-op.
 */
export const subscriptionsDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionsState> = {
  events: eventSchemas(SubscriptionEvents),
  initialState: {},

  decide(command, state) {
    if (command.type === 'CreateSubscription') {
      const { id, url, eventTypes } = command.subscription;
      if (state[id]) throw new DomainError('conflict', 'subscription-exists', 'a subscription with this id exists');
      if (activeSubscriptions(state).length >= MAX_SUBSCRIPTIONS)
        throw new DomainError('conflict', 'subscription-limit', `a tenant has at most ${MAX_SUBSCRIPTIONS} subscriptions; delete one first`);
      return [{ type: 'SubscriptionCreated', data: { id, url, eventTypes } }];
    }
    const existing = state[command.id];
    if (!existing) throw new DomainError('not-found', 'subscription-not-found', 'subscription not found');
    return existing.deleted ? [] : [{ type: 'SubscriptionDeleted', data: { id: command.id } }];
  },

  evolve(state, event) {
    if (event.type === 'SubscriptionCreated') return { ...state, [event.data.id]: { ...event.data, deleted: false } };
    const existing = state[event.data.id];
    return existing ? { ...state, [event.data.id]: { ...existing, deleted: true } } : state;
  },
};
