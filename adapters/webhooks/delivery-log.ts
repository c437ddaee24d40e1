import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeliveryLog } from '../../application/webhooks/ports.ts';

/** How long a delivery is remembered: longer than any takeover's replay and any retry. */
const KEEP_S = 7 * 24 * 3600;

/** Deliveries made, in their table (`webhookDeliveries` in manifest/tables.ts): one item per subscription and event. */
export const dynamoDbDeliveryLog = (client: DynamoDBClient, table: string): DeliveryLog => ({
  async delivered(subscriptionId, eventId) {
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: `${subscriptionId}#${eventId}` } }, ConsistentRead: true, ProjectionExpression: 'id' }));
    return Item !== undefined;
  },
  async record(subscriptionId, eventId) {
    await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: `${subscriptionId}#${eventId}` }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + KEEP_S) } } }));
  },
});
