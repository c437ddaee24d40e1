import { z } from 'zod';
import { SubscriptionId } from '../../../domain/subscription/events.ts';
import type { Subscription } from '../../../domain/subscription/decider.ts';
import { adapters, config } from '../../lambda/wiring.ts';
import { sendWebhook } from '../../../adapters/webhooks/send.ts';
import { findSubscription, type WebhookPorts } from '../../../application/webhooks/ports.ts';
import type { HttpRequest } from '../http-handler.ts';
import { problem, validationProblem } from '../problem.ts';
import type { RouteKey } from '../../../manifest/routes.ts';

/**
 * A route key of the subscription routes. Typed as a string until their entries are in
 * functions/http/routes.ts (RouteKey is derived from that table); harmless afterwards.
 */
export const subscriptionRoute = (key: `${'GET' | 'POST' | 'DELETE'} /v1/subscriptions${string}`) => key as string as RouteKey;

/** What the webhook routes reach, as configured for this process. */
export const webhookPorts = (): WebhookPorts => ({
  store: adapters.eventStore,
  secrets: adapters.webhookSecrets,
  payloads: adapters.deadLetterPayloads,
  send: sendWebhook,
  policy: config.urlPolicy,
  region: config.region,
});

export const subscriptionView = (s: Subscription) => ({ id: s.id, url: s.url, eventTypes: s.eventTypes });

/** The caller's tenant's active subscription named in the path; another tenant's, a deleted or unknown one is a 404 alike. */
export const subscriptionOfRequest = async (request: HttpRequest): Promise<Subscription> => {
  const id = SubscriptionId.safeParse(request.pathParameters?.subscriptionId);
  if (!id.success) throw validationProblem(id.error, '/path/subscriptionId');
  const subscription = await findSubscription(adapters.eventStore, request.caller.tenant, id.data);
  if (!subscription) throw problem(404, 'subscription-not-found', 'subscription not found');
  return subscription;
};

const EventId = z.string().regex(/^[\w-]{1,128}$/, 'an event id as in detail.eventId');

export const eventIdParam = (request: HttpRequest) => {
  const id = EventId.safeParse(request.pathParameters?.eventId);
  if (!id.success) throw validationProblem(id.error, '/path/eventId');
  return id.data;
};
