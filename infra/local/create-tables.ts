import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition } from '../../functions/tables.ts';

/** Creates the tables from the shared definitions; tables that exist are left as they are. */
export const createTables = async (client: DynamoDBClient, names: (t: TableDefinition) => string) => {
  for (const table of Object.values(TABLES) as TableDefinition[]) {
    const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
    const attributes = new Map([...keys, ...(table.indexes ?? []).flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])].map((k) => [k.name, k.type]));
    try {
      await client.send(
        new CreateTableCommand({
          TableName: names(table),
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes].map(([name, type]) => ({ AttributeName: name, AttributeType: type })),
          KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
          ...(table.indexes && {
            GlobalSecondaryIndexes: table.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
                ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
              ],
              Projection: { ProjectionType: 'ALL' as const },
            })),
          }),
          ...(table.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }),
        }),
      );
      if (table.timeToLiveAttribute)
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: names(table),
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await client.send(new DescribeTableCommand({ TableName: names(table) }));
  }
};
