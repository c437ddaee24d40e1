import { adapters } from '../../lambda/wiring.ts';
import { subscriptionsOf } from '../../../application/webhooks/ports.ts';
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';
import { subscriptionView } from './params.ts';

/** GET /v1/subscriptions: the tenant's active subscriptions, never their secrets. */
export const list = httpHandler('GET /v1/subscriptions', async (request) =>
  json(200, { items: (await subscriptionsOf(adapters.eventStore, request.caller.tenant)).map(subscriptionView) }),
);
