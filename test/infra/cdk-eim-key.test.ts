import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EIM_KEY_ALIAS } from '../../infra/cdk/eim-key.ts';
import { ALL_HANDLERS, routeFunctionId } from '../../infra/cdk/handlers.ts';
import { routeFor } from '../../manifest/routes.ts';
import { build, logicalId, regionTemplate, resources, type Json } from './support/cdk.ts';

/**
 * The eIM's signing key in AWS: one multi-region KMS key (ECC_NIST_P256, SIGN_VERIFY) made by the
 * primary stack and replicated by the secondary once given its ARN; only the route that hands
 * devices their signed packages may sign with it.
 */
const eum = JSON.stringify([{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }]);
const built = build({ eimPrimaryKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab', eumPublicKeys: eum });
const [primary, secondary] = [regionTemplate(built.primary), regionTemplate(built.secondary)];
const signs = routeFunctionId(routeFor('POST /v1/esipa/{eid}/packages/next'));
const verifies = routeFunctionId(routeFor('POST /v1/esipa/{eid}/results'));
const kmsActionsOf = (template: Template, stack: typeof built.primary, id: string) =>
  resources(template, 'AWS::IAM::Policy').map(([, r]) => r)
    .filter((p: Json) => JSON.stringify(p.Properties.Roles).includes(logicalId(stack, stack.functions[id]!.role!)))
    .flatMap((p: Json) => p.Properties.PolicyDocument.Statement as Json[])
    .flatMap((s: Json) => [s.Action].flat() as string[])
    .filter((a) => a.startsWith('kms:Sign') || a === 'kms:GetPublicKey');

describe('the eIM key', () => {
  it('the primary makes a multi-region ECC P-256 signing key, kept on delete, with the shared alias; the secondary replicates it', () => {
    primary.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', MultiRegion: true });
    expect(resources(primary, 'AWS::KMS::Key').map(([, r]) => r).find((k: Json) => k.Properties.KeySpec === 'ECC_NIST_P256')).toMatchObject({ DeletionPolicy: 'Retain' });
    secondary.hasResourceProperties('AWS::KMS::ReplicaKey', { PrimaryKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab' });
    for (const t of [primary, secondary]) t.hasResourceProperties('AWS::KMS::Alias', { AliasName: EIM_KEY_ALIAS });
  });

  it('only the devices’ package route may sign (kms:Sign, kms:GetPublicKey), by the alias; both devices’ routes trust the EUMs', () => {
    for (const [template, stack] of [[primary, built.primary], [secondary, built.secondary]] as const) {
      expect(kmsActionsOf(template, stack, signs).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
      for (const h of ALL_HANDLERS.filter((h) => h.id !== signs)) expect(kmsActionsOf(template, stack, h.id), h.id).toEqual([]);
      const env = (id: string) => (template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions[id]!)] as Json).Properties.Environment.Variables;
      expect(env(signs)).toMatchObject({ EIM_KEY_ID: EIM_KEY_ALIAS, EUM_PUBLIC_KEYS: eum });
      expect(env(verifies)).toMatchObject({ EUM_PUBLIC_KEYS: eum });
      expect(env(verifies).EIM_KEY_ID).toBeUndefined();
    }
  });

  it('without the primary key’s ARN the secondary makes no key (its devices’ route cannot sign yet)', () => {
    const bare = build({});
    expect(resources(Template.fromStack(bare.secondary), 'AWS::KMS::ReplicaKey')).toEqual([]);
  });
});
