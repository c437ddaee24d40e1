import { dynamoDbDeadLetterPayloads } from '../../adapters/webhooks/dead-letter-payloads.ts';
import { dynamoDbDeliveryLog } from '../../adapters/webhooks/delivery-log.ts';
import { webhookSecretsFor } from '../../adapters/webhooks/secrets.ts';
import { sendWebhook } from '../../adapters/webhooks/send.ts';
import { urlPolicyFor } from '../../adapters/webhooks/url-policy.ts';
import type { WebhookPorts } from '../../application/webhooks/ports.ts';
import { adapters, config, dynamodb, env } from './wiring.ts';

/** Which webhook URLs are allowed (https only in AWS). */
export const urlPolicy = urlPolicyFor(env);

/** The webhook routes' and delivery functions' wiring: secrets, parked payloads, sending. */
export const webhookPorts = (): WebhookPorts => ({
  store: adapters.eventStore,
  secrets: (adapters.webhookSecrets ??= webhookSecretsFor(env)),
  payloads: (adapters.deadLetterPayloads ??= dynamoDbDeadLetterPayloads(dynamodb, config.webhookDeadLettersTable)),
  deliveries: dynamoDbDeliveryLog(dynamodb, env.WEBHOOK_DELIVERIES_TABLE),
  send: sendWebhook,
  policy: urlPolicy,
  region: config.region,
});
