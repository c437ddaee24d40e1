import { App, ArnFormat, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { SecretAccess } from '../../manifest/access.ts';
import { variable } from '../../manifest/environment.ts';
import { SECRET_FAMILIES, SECRETS_KEY_ALIAS, type SecretFamily } from '../../manifest/secrets.ts';
import { acknowledge } from './acknowledge.ts';
import { regionStackOf } from './handler-stacks.ts';
import { readSettings } from './settings.ts';


/**
 * The region's customer-managed key for Switchboard's secrets, under the one alias every region
 * uses (so that a secret created in one region names the same alias for its replica in the other).
 * Made once per regional stack, on first use (never in a nested one: grantSecrets asks for the
 * regional stack's). The key and its alias are both retained: without the key every secret is
 * unreadable, and an alias left to be re-created on a new key would point new grants away from the
 * secrets (a stack deployed again over them fails on the alias instead, see infra/cdk/README.md).
 */
export const secretsKey = (stack: Stack): Key => {
  const existing = stack.node.tryFindChild('SecretsKey') as Key | undefined;
  if (existing) return existing;
  const key = new Key(stack, 'SecretsKey', {
    description: 'Switchboard secrets (webhook signing secrets, MNO credentials) in Secrets Manager',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new Alias(stack, 'SecretsKeyAlias', { aliasName: SECRETS_KEY_ALIAS, targetKey: key, removalPolicy: RemovalPolicy.RETAIN });
  return key;
};

/** The other region of the deployment: where this region's secrets are replicated. */
const otherRegion = (stack: Stack) => {
  const settings = readSettings(stack.node.root as App);
  return stack.region === settings.primaryRegion ? settings.secondaryRegion : settings.primaryRegion;
};

const familyArn = (stack: Stack, family: SecretFamily) =>
  stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${SECRET_FAMILIES[family]}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

const FAMILY_REASONS: Record<SecretFamily, string> = {
  webhooks: 'Webhook signing secrets are created at run time, one per subscription (switchboard/webhooks/<tenant>/<id>): the grant is that family by name prefix, nothing wider.',
  mnoCredentials: 'MNO credentials are stored by operators as MNOs are registered (switchboard/mno/<id>): the grant is that family by name prefix, read only.',
  mnoInboundKeys: 'The keys MNOs sign their pushes and notifications with are stored by operators as MNOs are registered (switchboard/mno-inbound/<id>): the grant is that family by name prefix, read only.',
  activationCodes: 'Activation codes are created at run time, one per ordered profile (switchboard/activation-codes/<tenant>/<eid>/<iccid>): the grant is that family by name prefix, nothing wider.',
};

/**
 * The secrets a handler may touch, by family name prefix (secrets are created at run time, one per
 * subscription, so no ARN is known at deployment), and the key to decrypt or encrypt them with.
 * Readers get GetSecretValue; creators CreateSecret with replication to the other region (and that
 * region's key, found by its alias). The environment selects the Secrets Manager adapters.
 */
export const grantSecrets = (fn: NodejsFunction, role: IRole, accesses: readonly SecretAccess[]) => {
  if (accesses.length === 0) return;
  // The regional stack's key and ARNs, wherever the function is (a nested stack of it).
  const stack = regionStackOf(fn);
  const key = secretsKey(stack);
  fn.addEnvironment(variable('SECRET_STORE'), 'secrets-manager');
  for (const { family, access } of accesses) {
    const secrets = familyArn(stack, family);
    if (access === 'read') {
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }));
      key.grantDecrypt(role);
      continue;
    }
    if (access === 'delete') {
      // Replicas first (functions/secrets-manager.ts deleteSecret), then the secret itself; no value is read.
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['secretsmanager:DescribeSecret', 'secretsmanager:RemoveRegionsFromReplication', 'secretsmanager:DeleteSecret'], resources: [secrets] }),
      );
      continue;
    }
    const replicaRegion = otherRegion(stack);
    fn.addEnvironment(variable('SECRETS_REPLICA_REGIONS'), replicaRegion);
    fn.addEnvironment(variable('SECRETS_KMS_KEY'), SECRETS_KEY_ALIAS);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:CreateSecret', 'secretsmanager:ReplicateSecretToRegions'], resources: [secrets] }));
    // Exactly what Secrets Manager asks of the caller to encrypt a new secret (no ReEncrypt*, no GenerateDataKey*).
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [stack.formatArn({ service: 'kms', region: replicaRegion, resource: 'key', resourceName: '*' })],
        conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': SECRETS_KEY_ALIAS } },
      }),
    );
  }
  for (const family of new Set(accesses.map((a) => a.family)))
    acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${stack.region}:<AWS::AccountId>:secret:${SECRET_FAMILIES[family]}*]`, FAMILY_REASONS[family]);
  if (accesses.some((a) => a.access === 'create'))
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${otherRegion(stack)}:<AWS::AccountId>:key/*]`,
      `The other region's secrets key belongs to the other regional stack (no cross-region reference): the statement is limited by a condition to the key with alias ${SECRETS_KEY_ALIAS}.`,
    );
};
