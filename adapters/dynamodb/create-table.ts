import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, UpdateTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';

/**
 * Creates a table from its shared definition (manifest/tables.ts) under `name`, with its keys,
 * indexes, stream and time to live, unless it exists already (then it is left as it is). The local
 * runtime, the tests and the rebuild CLI make every table this one way; CDK makes the same
 * definitions in AWS.
 */
export const createTable = async (client: DynamoDBClient, table: TableDefinition, name = table.name) => {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  const indexKeys = (table.indexes ?? []).flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])]);
  const attributes = new Map([...keys, ...indexKeys].map((k) => [k.name, k.type]));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        ...(table.indexes && { GlobalSecondaryIndexes: table.indexes.map(indexOf) }),
        ...(table.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }),
      }),
    );
    if (table.timeToLiveAttribute)
      await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true } }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
  await addMissingIndexes(client, table, name, attributes);
};

const indexOf = (index: NonNullable<TableDefinition['indexes']>[number]) => ({
  IndexName: index.name,
  KeySchema: [{ AttributeName: index.partitionKey.name, KeyType: 'HASH' as const }, ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : [])],
  Projection: { ProjectionType: index.projection ?? ('ALL' as const) },
});

/** A table an older version made (a kept data folder) gets the indexes added since, one at a time as DynamoDB requires. */
const addMissingIndexes = async (client: DynamoDBClient, table: TableDefinition, name: string, attributes: Map<string, 'S' | 'N'>) => {
  if (!table.indexes?.length) return;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of table.indexes ?? []) {
    if (present.has(index.name)) continue;
    const keys = [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])];
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: attributes.get(k.name)! })),
        GlobalSecondaryIndexUpdates: [{ Create: indexOf(index) }],
      }),
    );
  }
};

/** Every table of the manifest, each under the name `names` gives it. */
export const createTables = async (client: DynamoDBClient, names: (t: TableDefinition) => string = (t) => t.name) => {
  for (const table of Object.values(TABLES) as TableDefinition[]) await createTable(client, table, names(table));
};
