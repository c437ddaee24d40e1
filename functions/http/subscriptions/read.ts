import { eventStore } from '../../config.ts';
import { subscriptionsOf } from '../../webhooks/ports.ts';
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';
import { subscriptionRoute, subscriptionView } from './params.ts';

/** GET /v1/subscriptions: the tenant's active subscriptions, never their secrets. */
export const list = httpHandler(subscriptionRoute('GET /v1/subscriptions'), async (request) =>
  json(200, { items: (await subscriptionsOf(eventStore, request.caller.tenant)).map(subscriptionView) }),
);
