import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { subscriptionStream } from '../../application/webhooks/streams.ts';

/**
 * The events of parked deliveries, kept for redelivery (a port). Not in the event store: a parked
 * event would be published again inside WebhookDeliveryParked and could outgrow EventBridge's
 * 256 KB. An event holds only the tenant's own data and never a secret. DynamoDB everywhere (the
 * same adapter against DynamoDB Local); the table is `webhookDeadLetters` in manifest/tables.ts.
 */
export interface DeadLetterPayloads {
  put(tenant: string, subscriptionId: string, event: WebhookEvent, eventId: string): Promise<void>;
  get(tenant: string, subscriptionId: string, eventId: string): Promise<WebhookEvent | undefined>;
}

export const dynamoDbDeadLetterPayloads = (client: DynamoDBClient, table: string): DeadLetterPayloads => ({
  async put(tenant, subscriptionId, event, eventId) {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: subscriptionStream(tenant, subscriptionId) }, eventId: { S: eventId }, event: { S: JSON.stringify(event) } },
      }),
    );
  },
  async get(tenant, subscriptionId, eventId) {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: subscriptionStream(tenant, subscriptionId) }, eventId: { S: eventId } }, ConsistentRead: true }),
    );
    return Item?.event?.S ? (JSON.parse(Item.event.S) as WebhookEvent) : undefined;
  },
});
