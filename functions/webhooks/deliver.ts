import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { delivery } from './lambda-delivery.ts';

/**
 * The bus's `webhooks` target in AWS (rule `deliver-webhooks`, invoked asynchronously): the first
 * attempt to each subscription; failures go to the retry queue. Throws when the subscriptions could
 * not be read or a retry not queued, so that Lambda retries the event and then hands it to the
 * failure destination (receivers de-duplicate by `webhook-id`).
 */
export const handler = async (event: WebhookEvent): Promise<void> => delivery.deliver(event);
