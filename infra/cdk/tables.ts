import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2, type Attribute, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IndexDefinition } from '../../manifest/tables.ts';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';

export const attribute = (a: { name: string; type: 'S' | 'N' }): Attribute => ({ name: a.name, type: a.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

/** An index of the manifest as CDK's GSI props: its keys, and what it projects (all attributes unless it says keys only). */
export const globalIndex = (index: IndexDefinition) => ({
  indexName: index.name,
  partitionKey: attribute(index.partitionKey),
  ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
  projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
});

/** Read models and idempotency records: regional, rebuildable; one table per regional entry of TABLES. */
export const regionalTables = (stack: Stack) => {
  const tables: Record<string, TableV2> = {};
  for (const [name, def] of Object.entries(TABLES) as [string, TableDefinition][]) {
    if (def.scope !== 'regional') continue;
    tables[name] = new TableV2(stack, `${name[0]!.toUpperCase()}${name.slice(1)}Table`, {
      tableName: def.name,
      partitionKey: attribute(def.partitionKey),
      ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
      ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
      ...(def.stream ? { dynamoStream: StreamViewType.NEW_IMAGE } : {}),
      ...(def.indexes && {
        globalSecondaryIndexes: def.indexes.map(globalIndex),
      }),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      // Rebuildable from the event store (read models) or short-lived (idempotency records).
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
  return tables;
};

/**
 * The replicated tables (scope `replicated`: the webhook deliveries made): made by the primary stack
 * with a replica in the secondary region, eventually consistent (they need time to live, whatever
 * the event store's mode); the secondary stack refers to its replica by name.
 */
export const replicatedTables = (stack: Stack, role: 'primary' | 'secondary', secondaryRegion: string) => {
  const tables: Record<string, ITableV2> = {};
  for (const [name, def] of Object.entries(TABLES) as [string, TableDefinition][]) {
    if (def.scope !== 'replicated') continue;
    const id = `${name[0]!.toUpperCase()}${name.slice(1)}Table`;
    tables[name] =
      role === 'secondary'
        ? TableV2.fromTableName(stack, id, def.name)
        : new TableV2(stack, id, {
            tableName: def.name,
            partitionKey: attribute(def.partitionKey),
            ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
            billing: Billing.onDemand(),
            encryption: TableEncryptionV2.awsManagedKey(),
            replicas: [{ region: secondaryRegion }],
            removalPolicy: RemovalPolicy.DESTROY,
          });
  }
  return tables;
};
