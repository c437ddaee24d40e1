import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';
import { build, logicalId, resources, type Json } from './support/cdk.ts';
import { built, primary, secondary, eventStoreId } from './support/synthesized.ts';

describe('the event store', () => {
  it('is one global table in the primary stack, replicated to the secondary region with strong consistency and a witness', () => {
    primary.resourceCountIs('AWS::DynamoDB::GlobalTable', 1 + Object.values(TABLES).filter((t: TableDefinition) => t.scope !== 'global').length);
    primary.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: TABLES.events.name,
        KeySchema: [
          { AttributeName: TABLES.events.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLES.events.sortKey.name, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'v', AttributeType: 'N' },
        ]),
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        // The time index a takeover reads holds the commits' keys only (each append is not stored twice).
        GlobalSecondaryIndexes: [{ IndexName: 'by-time', KeySchema: [{ AttributeName: 'tb', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
        MultiRegionConsistency: 'STRONG',
        GlobalTableWitnesses: [{ Region: built.settings.witnessRegion }],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      },
    });
    const [, table] = resources(primary, 'AWS::DynamoDB::GlobalTable').find(([id]) => id === eventStoreId)!;
    for (const region of [built.settings.primaryRegion, built.settings.secondaryRegion])
      expect(table.Properties.Replicas.find((r: Json) => r.Region === region), region).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { KMSMasterKeyId: expect.anything() },
      });
    // The secondary stack has no event store of its own: it uses the replica.
    expect(Object.values(secondary.findResources('AWS::DynamoDB::GlobalTable')).map((r) => r.Properties.TableName)).not.toContain(TABLES.events.name);
  });

  it('is encrypted with customer-managed keys that rotate, one per region', () => {
    primary.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    Template.fromStack(built.key).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const [, table] = resources(primary, 'AWS::DynamoDB::GlobalTable').find(([id]) => id === eventStoreId)!;
    const replicaKeys = Object.fromEntries(table.Properties.Replicas.map((r: Json) => [r.Region, JSON.stringify(r.SSESpecification.KMSMasterKeyId)]));
    expect(replicaKeys[built.settings.primaryRegion]).toContain(logicalId(built.primary, built.primary.eventStoreKey));
    expect(replicaKeys[built.settings.secondaryRegion]).toContain(`:kms:${built.settings.secondaryRegion}:`);
    expect(replicaKeys[built.settings.secondaryRegion]).toContain('alias/switchboard-events');
  });

  it('is eventually consistent without a witness when the context says so', () => {
    const eventual = Template.fromStack(build({ consistency: 'eventual' }).primary);
    eventual.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: TABLES.events.name,
      MultiRegionConsistency: 'EVENTUAL',
      GlobalTableWitnesses: Match.absent(),
    });
  });

  it('refuses a consistency mode it does not know, and regions that repeat', () => {
    expect(() => build({ consistency: 'sometimes' })).toThrow(/consistency/);
    expect(() => build({ witnessRegion: 'eu-west-1' })).toThrow(/regions must differ/);
  });
});
