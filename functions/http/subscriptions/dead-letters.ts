import { adapters } from '../../lambda/wiring.ts';
import { deadLettersOf, redeliver as redeliverOnce } from '../../../application/webhooks/dead-letters.ts';
import { httpHandler } from '../http-handler.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { json } from '../responses.ts';
import { eventIdParam, subscriptionOfRequest } from './params.ts';
import { RedeliverBody } from './requests.ts';
import { webhookPorts } from '../../lambda/webhook-wiring.ts';

/** GET /v1/subscriptions/{subscriptionId}/dead-letters: deliveries that failed every attempt, oldest first. */
export const list = httpHandler('GET /v1/subscriptions/{subscriptionId}/dead-letters', async (request) => {
  const subscription = await subscriptionOfRequest(request);
  return json(200, { items: await deadLettersOf({ store: adapters.eventStore }, request.caller.tenant, subscription.id) });
});

/**
 * POST /v1/subscriptions/{subscriptionId}/dead-letters/{eventId}/redeliver → 202 after one attempt,
 * made now: `delivered` says how it went (recorded as WebhookRedelivered, or parked again with the
 * attempt counted, `deadLetter` as it now stands). Not parked (any more) → 404.
 */
export const redeliver = idempotentHandler('POST /v1/subscriptions/{subscriptionId}/dead-letters/{eventId}/redeliver', async (request) => {
  bodyOf(request, RedeliverBody, {});
  const subscription = await subscriptionOfRequest(request);
  const outcome = await redeliverOnce(webhookPorts(), request.caller.tenant, subscription, eventIdParam(request), commandContext(request));
  return json(202, outcome);
});
