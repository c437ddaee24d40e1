import { CreateTableCommand, ResourceInUseException, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../tables.ts';

interface KeyDefinition {
  name: string;
  type: 'S' | 'N';
}
export interface IndexDefinition {
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
}

/**
 * The read-model table: regional (every region projects its own replica's stream), disposable,
 * rebuilt from the event store by `npm run rebuild-projections`.
 *
 * One row per projected event-store stream, keyed by that stream's id (`pk` = `T#<tenant>#SIM#<eid>`,
 * `T#<tenant>#CASCADE#<id>`, `MNO#<id>`), so the projector finds a commit's row without a lookup.
 * Lists are two overloaded GSIs sharing one sort key:
 * - `by-list`: `listKey` = the tenant's list (`T#<tenant>#SIM`, `T#<tenant>#CASCADE`, `MNO`);
 * - `by-status`: `statusKey` = that list and a status (`T#<tenant>#SIM#active`, `T#<tenant>#CASCADE#running`);
 * - `sortKey`: a SIM's EID, a cascade's `<startedAt>#<id>` (newest first when read backwards), an MNO's id.
 * A status change only rewrites the row's `statusKey`; DynamoDB moves it between index partitions.
 * MNO and label filters are multi-valued (a SIM has profiles on several MNOs), which a GSI key
 * cannot hold: they are filter expressions on the tenant's (or the tenant's state's) partition.
 */
export const READ_MODELS_TABLE = {
  name: 'switchboard-read-models',
  envVar: 'READ_MODELS_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  scope: 'regional',
  indexes: [
    { name: 'by-list', partitionKey: { name: 'listKey', type: 'S' }, sortKey: { name: 'sortKey', type: 'S' } },
    { name: 'by-status', partitionKey: { name: 'statusKey', type: 'S' }, sortKey: { name: 'sortKey', type: 'S' } },
  ],
} as const satisfies TableDefinition & { indexes: readonly IndexDefinition[] };

export const BY_LIST = READ_MODELS_TABLE.indexes[0].name;
export const BY_STATUS = READ_MODELS_TABLE.indexes[1].name;

export const readModelsTableName = () => process.env[READ_MODELS_TABLE.envVar] ?? READ_MODELS_TABLE.name;

/** Creates the table (with its indexes) unless it exists; for tests and the rebuild CLI's `--table`. */
export const createReadModelsTable = async (client: DynamoDBClient, name: string) => {
  const keys = new Map<string, KeyDefinition>();
  for (const k of [READ_MODELS_TABLE.partitionKey, ...READ_MODELS_TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) keys.set(k.name, k);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keys.values()].map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: [{ AttributeName: READ_MODELS_TABLE.partitionKey.name, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: READ_MODELS_TABLE.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
};
