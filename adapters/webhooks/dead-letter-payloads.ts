import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { subscriptionStream } from '../../application/webhooks/streams.ts';

import type { DeadLetterPayloads } from '../../application/webhooks/ports.ts';

export type { DeadLetterPayloads };

/** The parked deliveries' events in their DynamoDB table (`webhookDeadLetters` in manifest/tables.ts), the same adapter against DynamoDB Local. */

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
