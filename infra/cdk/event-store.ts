import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Billing, MultiRegionConsistency, StreamViewType, TableEncryptionV2, TableV2, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { TABLES } from '../../manifest/tables.ts';
import { acknowledge } from './acknowledge.ts';
import { EVENT_STORE_KEY_ALIAS } from './event-store-key-stack.ts';
import type { DeploymentSettings } from './settings.ts';
import { attribute, globalIndex } from './tables.ts';

/** The event store as a region's stack sees it: the table, its key, and its stream. */
export interface EventStore {
  eventStore: ITableV2;
  eventStoreKey: IKey;
  eventStoreStreamArn: string;
}

/** The primary region: one global table (and its key), replicated to the secondary region. */
export const globalEventStore = (stack: Stack, settings: DeploymentSettings): EventStore => {
  const key = new Key(stack, 'EventStoreKey', {
    alias: EVENT_STORE_KEY_ALIAS,
    description: 'Switchboard event store (global table): encryption at rest',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const strong = settings.consistency === 'strong';
  const table = new TableV2(stack, 'EventStore', {
    tableName: TABLES.events.name,
    partitionKey: attribute(TABLES.events.partitionKey),
    sortKey: attribute(TABLES.events.sortKey),
    billing: Billing.onDemand(),
    dynamoStream: StreamViewType.NEW_IMAGE,
    // Commits by the minute they were appended in: what a region taking the publishing lease over publishes again.
    globalSecondaryIndexes: TABLES.events.indexes.map(globalIndex),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: TableEncryptionV2.customerManagedKey(key, {
      // The replica's key, by alias: EventStoreKeyStack creates it in that region first.
      [settings.secondaryRegion]: stack.formatArn({ service: 'kms', region: settings.secondaryRegion, resource: EVENT_STORE_KEY_ALIAS }),
    }),
    replicas: [{ region: settings.secondaryRegion, deletionProtection: true, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } }],
    multiRegionConsistency: strong ? MultiRegionConsistency.STRONG : MultiRegionConsistency.EVENTUAL,
    ...(strong ? { witnessRegion: settings.witnessRegion } : {}),
  });
  return { eventStore: table, eventStoreKey: key, eventStoreStreamArn: table.tableStreamArn! };
};

/** The secondary region: the primary's replica, its key, and its stream (read once the replica exists). */
export const replicaEventStore = (stack: Stack, replicaKey: IKey | undefined): EventStore => {
  if (!replicaKey) throw new Error('the secondary stack needs the replica key');
  const tableArn = stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: TABLES.events.name });
  // The replica's stream ARN carries a creation timestamp that only DynamoDB knows: read it
  // once the replica exists (this stack deploys after the primary one).
  const stream = new AwsCustomResource(stack, 'EventStoreReplicaStream', {
    onUpdate: {
      service: 'DynamoDB',
      action: 'describeTable',
      parameters: { TableName: TABLES.events.name },
      physicalResourceId: PhysicalResourceId.of(`${TABLES.events.name}-stream`),
      outputPaths: ['Table.LatestStreamArn'],
    },
    policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [tableArn] })]),
    installLatestAwsSdk: false,
  });
  const eventStoreStreamArn = stream.getResponseField('Table.LatestStreamArn');
  const eventStore = TableV2.fromTableAttributes(stack, 'EventStore', {
    tableArn,
    tableStreamArn: eventStoreStreamArn,
    encryptionKey: replicaKey,
  });
  // The provider is a singleton at the stack's root, not under `stream`.
  const provider = stack.node.children.find((c) => c.node.id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'))!;
  acknowledge(
    provider,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'CDK\'s AwsCustomResource provider (a one-shot DescribeTable at deploy time) runs with the basic execution role; it writes only its own logs.',
  );
  return { eventStore, eventStoreKey: replicaKey, eventStoreStreamArn };
};
