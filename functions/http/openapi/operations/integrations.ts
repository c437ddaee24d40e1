import type { deadLettersOf, redeliver } from '../../../../application/webhooks/dead-letters.ts';
import { EventCatalogue } from '../../../../application/views/event-catalogue.schema.ts';
import { CreatedSubscription, DeadLetterList, Redelivery, SubscriptionList } from '../../../../application/views/subscriptions.schema.ts';
import { SubscriptionRequest } from '../../../../domain/subscription/request.ts';
import type * as z from '../../../../domain/zod-mini.ts';
import { RedeliverBody } from '../../subscriptions/requests.ts';
import { named, type Fits, type Operations } from '../operation.ts';

export type DeadLetterAnswer = Fits<Awaited<ReturnType<typeof deadLettersOf>>[number], z.output<typeof DeadLetterList>['items'][number]>;
export type RedeliveryAnswer = Fits<Awaited<ReturnType<typeof redeliver>>, z.output<typeof Redelivery>>;

/** The body as AWS takes it (https only): the handler builds the same schema with the deployment's URL policy (the local runtime also allows http to loopback). */
const CreateSubscription = SubscriptionRequest({ allowLoopbackHttp: false });

export const INTEGRATION_OPERATIONS = {
  'POST /v1/subscriptions': {
    operationId: 'createSubscription',
    summary: 'Subscribe a webhook to events',
    description:
      '`{ url, eventTypes }` (event types from GET /v1/events/schemas, or `*` alone for all): the tenant’s events of those types are delivered to the URL, signed as Standard Webhooks define it (`webhook-id`, `webhook-timestamp`, `webhook-signature`). ' +
      'The URL is https (at most 2000 characters) to a public host or address, with no credentials (`user:password@`, a token-like query parameter) and no fragment. Answers 201 with the signing secret, the only time it is shown (never cached). ' +
      'Takes no Idempotency-Key (the stored first answer would keep the secret): list the subscriptions to see whether a retried create went through, and delete a duplicate. A tenant has at most 25 subscriptions.',
    tag: 'Subscriptions',
    body: named('CreateSubscription', CreateSubscription),
    responses: {
      201: { description: 'Created, with its signing secret (shown this once)', body: named('CreatedSubscription', CreatedSubscription), headers: ['location', 'cache-control'] },
    },
    // If-Match is read (a malformed one is a 400) though a create or delete does not pin a version.
    problems: ['idempotency-key-not-supported', 'subscription-limit', 'invalid-if-match'],
  },
  'GET /v1/subscriptions': {
    operationId: 'listSubscriptions',
    summary: 'The tenant’s webhook subscriptions',
    description: 'Every active subscription, never its secret.',
    tag: 'Subscriptions',
    responses: { 200: { description: 'The subscriptions (not paged: at most 25)', body: named('SubscriptionList', SubscriptionList) } },
  },
  'DELETE /v1/subscriptions/{subscriptionId}': {
    operationId: 'deleteSubscription',
    summary: 'Delete a webhook subscription',
    description:
      'Nothing more is delivered to it, and its signing secret is deleted. Deleting it again is a 204 too; an id the tenant never held is a 404.',
    tag: 'Subscriptions',
    responses: { 204: { description: 'Deleted' } },
    problems: ['subscription-not-found', 'invalid-if-match'],
  },
  'GET /v1/subscriptions/{subscriptionId}/dead-letters': {
    operationId: 'listDeadLetters',
    summary: 'A subscription’s dead letters',
    description: 'Deliveries that failed every attempt, oldest first: each event’s id and type, the attempts so far, why the last one failed (`http-<status>` or a network error code) and when it was parked.',
    tag: 'Subscriptions',
    responses: { 200: { description: 'The parked deliveries (not paged)', body: named('DeadLetterList', DeadLetterList) } },
    problems: ['subscription-not-found'],
  },
  'POST /v1/subscriptions/{subscriptionId}/dead-letters/{eventId}/redeliver': {
    operationId: 'redeliverDeadLetter',
    summary: 'Redeliver a parked event',
    description:
      'One attempt, made now: `delivered` says how it went. Delivered, it leaves the dead letters; failed, it stays parked with the attempt counted (`deadLetter` as it now stands). ' +
      'An event not parked (any more) is a 404; one whose payload is kept only in the region that parked it is a 409 here: redeliver it there.',
    tag: 'Subscriptions',
    body: named('RedeliverDeadLetter', RedeliverBody),
    bodyOptional: true,
    ifMatch: true,
    responses: { 202: { description: 'Attempted: whether it was delivered', body: named('Redelivery', Redelivery) } },
    problems: ['subscription-not-found', 'dead-letter-not-found', 'dead-letter-payload-unavailable'],
  },
  'GET /v1/events/schemas': {
    operationId: 'getEventSchemas',
    summary: 'The event catalogue',
    description:
      'One JSON Schema (draft 2020-12) per event type the bus carries and webhooks deliver, for its `detail.data`, with the aggregate it belongs to and its schema version. Any valid token may read it.',
    tag: 'Events',
    responses: { 200: { description: 'The catalogue', body: named('EventCatalogue', EventCatalogue), headers: ['cache-control'] } },
  },
} satisfies Operations;
