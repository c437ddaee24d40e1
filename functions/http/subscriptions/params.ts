import type { Subscription } from '../../../domain/subscription/decider.ts';
import type * as z from '../../../domain/zod-mini.ts';
import type { SubscriptionView } from '../../../application/views/subscriptions.schema.ts';
import { adapters } from '../../lambda/wiring.ts';
import { findSubscription } from '../../../application/webhooks/ports.ts';
import type { HttpRequest } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { pathParam } from '../path-params.ts';

/** A subscription as the API shows it: never its secret. */
export const subscriptionView = (s: Subscription): z.output<typeof SubscriptionView> => ({ id: s.id, url: s.url, eventTypes: s.eventTypes });

/** The caller's tenant's active subscription named in the path; another tenant's, a deleted or unknown one is a 404 alike. */
export const subscriptionOfRequest = async (request: HttpRequest): Promise<Subscription> => {
  const id = pathParam(request, 'subscriptionId');
  const subscription = await findSubscription(adapters.eventStore, request.caller.tenant, id);
  if (!subscription) throw problem(404, 'subscription-not-found', 'subscription not found');
  return subscription;
};

export const eventIdParam = (request: HttpRequest) => pathParam(request, 'eventId');
