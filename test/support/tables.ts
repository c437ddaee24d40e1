import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';
import { createTables } from '../../adapters/dynamodb/create-table.ts';

/** A fresh set of tables on the run's DynamoDB Local, named apart from every other test file's. */
export const freshTables = async () => {
  const client = new DynamoDBClient({});
  const suffix = randomUUID().slice(0, 8);
  const names = (t: TableDefinition) => `${t.name}-${suffix}`;
  await createTables(client, names);
  return { client, events: names(TABLES.events), idempotency: names(TABLES.idempotency) };
};
