import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { freshTables } from '../support/tables.ts';
import { eventStoreContract } from './event-store.contract.ts';

const ATTRIBUTE = { eventsJson: 'events', metaJson: 'meta', hash: 'hash' } as const;

eventStoreContract('DynamoDB', async () => {
  const tables = await freshTables();
  return {
    store: new DynamoDbEventStore(tables.client, tables.events),
    tamper: async (streamId, version, change) => {
      const Key = { pk: { S: streamId }, v: { N: String(version) } };
      if (change === 'remove') {
        await tables.client.send(new DeleteItemCommand({ TableName: tables.events, Key }));
        return;
      }
      const fields = Object.entries(change).map(([field, value], i) => ({ name: `#a${i}`, attribute: ATTRIBUTE[field as keyof typeof ATTRIBUTE], value: `:v${i}`, text: value as string }));
      await tables.client.send(
        new UpdateItemCommand({
          TableName: tables.events,
          Key,
          UpdateExpression: `SET ${fields.map((f) => `${f.name} = ${f.value}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [f.name, f.attribute])),
          ExpressionAttributeValues: Object.fromEntries(fields.map((f) => [f.value, { S: f.text }])),
        }),
      );
    },
  };
});
