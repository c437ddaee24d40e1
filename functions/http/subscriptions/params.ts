import * as z from '../../../domain/zod-mini.ts';
import { SubscriptionId } from '../../../domain/subscription/events.ts';
import type { Subscription } from '../../../domain/subscription/decider.ts';
import { adapters } from '../../lambda/wiring.ts';
import { findSubscription } from '../../../application/webhooks/ports.ts';
import type { HttpRequest } from '../http-handler.ts';
import { problem, validationProblem } from '../problem.ts';

export const subscriptionView = (s: Subscription) => ({ id: s.id, url: s.url, eventTypes: s.eventTypes });

/** The caller's tenant's active subscription named in the path; another tenant's, a deleted or unknown one is a 404 alike. */
export const subscriptionOfRequest = async (request: HttpRequest): Promise<Subscription> => {
  const id = SubscriptionId.safeParse(request.pathParameters?.subscriptionId);
  if (!id.success) throw validationProblem(id.error, '/path/subscriptionId');
  const subscription = await findSubscription(adapters.eventStore, request.caller.tenant, id.data);
  if (!subscription) throw problem(404, 'subscription-not-found', 'subscription not found');
  return subscription;
};

const EventId = z.string().check(z.regex(/^[\w-]{1,128}$/, 'an event id as in detail.eventId'));

export const eventIdParam = (request: HttpRequest) => {
  const id = EventId.safeParse(request.pathParameters?.eventId);
  if (!id.success) throw validationProblem(id.error, '/path/eventId');
  return id.data;
};
