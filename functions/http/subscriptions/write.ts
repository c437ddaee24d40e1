import { randomUUID } from 'node:crypto';
import type * as z from '../../../domain/zod-mini.ts';
import type { CreatedSubscription } from '../../../application/views/subscriptions.schema.ts';
import { subscriptionsDecider } from '../../../domain/subscription/decider.ts';
import { SubscriptionRequest } from '../../../domain/subscription/request.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { urlPolicy, webhookPorts } from '../../lambda/webhook-wiring.ts';
import { newSigningSecret } from '../../../adapters/webhooks/signature.ts';
import { subscriptionsStream } from '../../../application/webhooks/streams.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { pathParam } from '../path-params.ts';
import { bodyOf, commandContext } from '../request.ts';
import { json } from '../responses.ts';
import { subscriptionView } from './params.ts';

/**
 * POST /v1/subscriptions `{ url, eventTypes }` → 201 with the signing secret, the only time it is
 * shown. The secret goes to the secret store before the subscription exists, so the delivery
 * worker always finds it; it is never in an event. An Idempotency-Key is refused here: the stored
 * first response would keep the secret in the idempotency table (list to see whether a retried
 * create went through, and delete a duplicate).
 */
export const create = httpHandler('POST /v1/subscriptions', async (request) => {
  if (request.headers['idempotency-key'] !== undefined)
    throw problem(400, 'idempotency-key-not-supported', 'creating a subscription returns its secret once and never stores that response: send it without Idempotency-Key');
  const { url, eventTypes } = bodyOf(request, SubscriptionRequest(urlPolicy));
  const tenant = request.caller.tenant;
  const id = randomUUID();
  const secret = newSigningSecret();
  await webhookPorts().secrets.put(tenant, id, secret);
  const subscription = { id, url, eventTypes };
  await executeCommand(adapters.eventStore, subscriptionsDecider, subscriptionsStream(tenant), { type: 'CreateSubscription', subscription }, { ...commandContext(request), expectedVersion: undefined });
  return json(201, { ...subscriptionView(subscription), secret } satisfies z.output<typeof CreatedSubscription>, { location: `/v1/subscriptions/${id}`, 'cache-control': 'no-store' });
});

/**
 * DELETE /v1/subscriptions/{subscriptionId} → 204; recorded as SubscriptionDeleted, then its
 * signing secret is deleted (after the event, so that a failure leaves a deleted subscription
 * whose secret a repeated DELETE removes). Deleting again is a 204 too. Another tenant's
 * subscription is never touched: only an id the caller's tenant holds (or held) is removed.
 */
export const remove = httpHandler('DELETE /v1/subscriptions/{subscriptionId}', async (request) => {
  const id = pathParam(request, 'subscriptionId');
  const context = { ...commandContext(request), expectedVersion: undefined };
  const tenant = request.caller.tenant;
  // An id the tenant never held is a 404 here, before any secret is touched.
  await executeCommand(adapters.eventStore, subscriptionsDecider, subscriptionsStream(tenant), { type: 'DeleteSubscription', id }, context);
  await webhookPorts().secrets.remove(tenant, id);
  return { statusCode: 204 };
});
