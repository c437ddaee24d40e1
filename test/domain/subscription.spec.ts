import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { deadLettersDecider } from '../../domain/subscription/dead-letters.ts';
import { MAX_SUBSCRIPTIONS, activeSubscriptions, subscriptionsDecider, wants } from '../../domain/subscription/decider.ts';
import type { SubscriptionEvent, WebhookDeliveryEvent } from '../../domain/subscription/events.ts';
import { SubscriptionEvents, WebhookDeliveryEvents } from '../../domain/subscription/events.ts';
import { specFor } from '../support/given.ts';

const subscriptions = specFor(subscriptionsDecider);
const deadLetters = specFor(deadLettersDecider);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const sub = { id: id(1), url: 'https://hooks.example.com/switchboard', eventTypes: ['SimActivated'] };
const created: SubscriptionEvent = { type: 'SubscriptionCreated', data: sub };
const deleted: SubscriptionEvent = { type: 'SubscriptionDeleted', data: { id: sub.id } };
const at = '2026-11-24T10:00:00.000Z';
const parked: WebhookDeliveryEvent = {
  type: 'WebhookDeliveryParked',
  data: { eventId: 'e1', detailType: 'SimActivated', attempts: 6, lastError: 'http-503', parkedAt: at },
};

describe('Subscriptions decider', () => {
  it('creates a subscription', () => subscriptions([]).when({ type: 'CreateSubscription', subscription: sub }).then([created]));
  it('refuses an id that exists, even deleted', () => {
    subscriptions([created]).when({ type: 'CreateSubscription', subscription: sub }).thenFails('subscription-exists', 'conflict');
    subscriptions([created, deleted]).when({ type: 'CreateSubscription', subscription: sub }).thenFails('subscription-exists', 'conflict');
  });
  it(`holds at most ${MAX_SUBSCRIPTIONS} active subscriptions; a deleted one frees its place`, () => {
    const many: SubscriptionEvent[] = Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => ({ type: 'SubscriptionCreated', data: { ...sub, id: id(i + 10) } }));
    const next = { ...sub, id: id(99) };
    subscriptions(many).when({ type: 'CreateSubscription', subscription: next }).thenFails('subscription-limit', 'conflict');
    subscriptions([...many, { type: 'SubscriptionDeleted', data: { id: id(10) } }])
      .when({ type: 'CreateSubscription', subscription: next })
      .then([{ type: 'SubscriptionCreated', data: next }]);
  });
  it('deletes once; deleting again appends nothing; an unknown id is not found', () => {
    subscriptions([created]).when({ type: 'DeleteSubscription', id: sub.id }).then([deleted]);
    subscriptions([created, deleted]).when({ type: 'DeleteSubscription', id: sub.id }).then([]);
    subscriptions([created]).when({ type: 'DeleteSubscription', id: id(2) }).thenFails('subscription-not-found', 'not-found');
  });
  it('a deleted subscription is no longer active', () => {
    const state = fold(subscriptionsDecider, subscriptionsDecider.initialState, [created, deleted]);
    expect(activeSubscriptions(state)).toEqual([]);
    expect(activeSubscriptions(fold(subscriptionsDecider, {}, [created]))).toEqual([sub]);
  });
  it('matches event types, * matching all but the webhooks’ own events', () => {
    expect(wants(sub, 'SimActivated')).toBe(true);
    expect(wants(sub, 'SimSuspended')).toBe(false);
    const all = { ...sub, eventTypes: ['*'] };
    expect(wants(all, 'PolicyPublished')).toBe(true);
    for (const own of [...Object.keys(SubscriptionEvents), ...Object.keys(WebhookDeliveryEvents)]) expect(wants(all, own)).toBe(false);
  });
  it('events carry no secret', () => {
    expect(Object.keys(SubscriptionEvents.SubscriptionCreated.shape)).toEqual(['id', 'url', 'eventTypes']);
    expect(SubscriptionEvents.SubscriptionCreated.safeParse({ ...sub, secret: 'whsec_x' }).data).not.toHaveProperty('secret');
  });
});

describe('Dead letters decider', () => {
  const park = { type: 'ParkDelivery' as const, eventId: 'e1', detailType: 'SimActivated', attempts: 6, lastError: 'http-503', at };
  it('parks a delivery once', () => {
    deadLetters([]).when(park).then([parked]);
    deadLetters([parked]).when({ ...park, attempts: 9, lastError: 'timeout' }).then([]);
  });
  it('a successful redelivery takes it off the list, and it may be parked again later', () => {
    const redelivered: WebhookDeliveryEvent = { type: 'WebhookRedelivered', data: { eventId: 'e1', redeliveredAt: at } };
    deadLetters([parked]).when({ type: 'RecordRedelivery', eventId: 'e1', outcome: { delivered: true }, at }).then([redelivered]);
    expect(fold(deadLettersDecider, [], [parked, redelivered])).toEqual([]);
    deadLetters([parked, redelivered]).when(park).then([parked]);
  });
  it('a failed redelivery parks it again, counting the attempt', () =>
    deadLetters([parked])
      .when({ type: 'RecordRedelivery', eventId: 'e1', outcome: { delivered: false, lastError: 'ECONNREFUSED' }, at: '2026-11-24T11:00:00.000Z' })
      .then([{ type: 'WebhookDeliveryParked', data: { ...parked.data, attempts: 7, lastError: 'ECONNREFUSED', parkedAt: '2026-11-24T11:00:00.000Z' } }]));
  it('redelivering what is not parked is not found', () =>
    deadLetters([]).when({ type: 'RecordRedelivery', eventId: 'e1', outcome: { delivered: true }, at }).thenFails('dead-letter-not-found', 'not-found'));
  it('lists parked deliveries oldest first, re-parked ones in place', () => {
    const second: WebhookDeliveryEvent = { type: 'WebhookDeliveryParked', data: { ...parked.data, eventId: 'e2' } };
    const again: WebhookDeliveryEvent = { type: 'WebhookDeliveryParked', data: { ...parked.data, attempts: 7 } };
    expect(fold(deadLettersDecider, [], [parked, second, again]).map((d) => [d.eventId, d.attempts])).toEqual([['e1', 7], ['e2', 6]]);
  });
  it('a last error is a code, never a body', () => {
    expect(WebhookDeliveryEvents.WebhookDeliveryParked.safeParse({ ...parked.data, lastError: 'http-500' }).success).toBe(true);
    expect(WebhookDeliveryEvents.WebhookDeliveryParked.safeParse({ ...parked.data, lastError: '<html>internal token=abc</html>' }).success).toBe(false);
  });
});
