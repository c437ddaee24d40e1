import { BusEvent } from '../../application/bus-events.ts';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { checked, lambdaHandler } from '../lambda/handler.ts';
import { delivery } from '../lambda/webhook-delivery.ts';

/**
 * The bus's `webhooks` target in AWS (rule `deliver-webhooks`, invoked asynchronously): the first
 * attempt to each subscription; failures go to the retry queue. Throws when the subscriptions could
 * not be read or a retry not queued, so that Lambda retries the event and then hands it to the
 * failure destination (receivers de-duplicate by `webhook-id`). The event is checked, then
 * delivered exactly as it came (it is the webhook's body).
 */
export const handler = lambdaHandler(checked<WebhookEvent>(BusEvent), (event) => delivery.deliver(event));
