import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WEBHOOK_DEAD_LETTERS_TABLE } from '../../../functions/webhooks/dead-letter-table.ts';

/**
 * Creates the dead-letter payload table under `name` if it does not exist. Once the definition is
 * in functions/tables.ts (TABLES), createTables makes it with the others and this is only for tests.
 */
export const createDeadLetterTable = async (client: DynamoDBClient, name: string) => {
  const { partitionKey, sortKey } = WEBHOOK_DEAD_LETTERS_TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [partitionKey, sortKey].map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          { AttributeName: sortKey.name, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
};
