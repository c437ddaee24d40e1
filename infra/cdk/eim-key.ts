import { CfnOutput, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnAlias, CfnKey, CfnReplicaKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { variable } from '../../manifest/environment.ts';
import { ALL_HANDLERS } from './handlers.ts';
import type { DeploymentSettings } from './settings.ts';

/** The eIM key's alias, the same in both regions: what the functions sign with (KMS takes an alias as KeyId). */
export const EIM_KEY_ALIAS = 'alias/switchboard-eim';

/**
 * The eIM's signing key (SGP.32): an asymmetric KMS key, ECC_NIST_P256 for SIGN_VERIFY, that never
 * leaves KMS. One multi-region key: the primary stack makes it, the secondary replicates it (given
 * its ARN, `eimPrimaryKeyArn`), so packages from either region verify with the one public key the
 * devices trust. The functions that sign packages get kms:Sign and kms:GetPublicKey on it alone.
 */
export const eimKey = (stack: Stack, settings: DeploymentSettings, role: 'primary' | 'secondary', functions: Record<string, NodejsFunction>) => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AccountAdmin', Effect: 'Allow', Principal: { AWS: `arn:${stack.partition}:iam::${stack.account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
  let keyId: string | undefined;
  if (role === 'primary') {
    const key = new CfnKey(stack, 'EimKey', { description: 'Switchboard eIM: signs eIM packages (SGP.32)', keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', multiRegion: true, keyPolicy: policy });
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnOutput(stack, 'EimKeyArn', { value: key.attrArn, description: 'Give it to the secondary stack as context eimPrimaryKeyArn' });
    keyId = key.ref;
  } else if (settings.eimPrimaryKeyArn) {
    const replica = new CfnReplicaKey(stack, 'EimKey', { description: 'Switchboard eIM: replica of the primary region key', primaryKeyArn: settings.eimPrimaryKeyArn, keyPolicy: policy });
    replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
    keyId = replica.ref;
  }
  if (!keyId) return trustEums(settings, functions);
  new CfnAlias(stack, 'EimKeyAlias', { aliasName: EIM_KEY_ALIAS, targetKeyId: keyId });
  const keyArn = stack.formatArn({ service: 'kms', resource: 'key', resourceName: keyId });
  for (const h of ALL_HANDLERS.filter((s) => s.access.signsEimPackages)) {
    const fn = functions[h.id]!;
    fn.addEnvironment(variable('EIM_KEY_ID'), EIM_KEY_ALIAS);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [keyArn] }));
  }
  trustEums(settings, functions);
};

/** The EUMs whose eUICC certificates the devices' routes trust (context `eumPublicKeys`). */
const trustEums = (settings: DeploymentSettings, functions: Record<string, NodejsFunction>) => {
  if (!settings.eumPublicKeys) return;
  for (const h of ALL_HANDLERS.filter((s) => s.access.signsEimPackages || s.access.trustsEums)) functions[h.id]!.addEnvironment(variable('EUM_PUBLIC_KEYS'), settings.eumPublicKeys);
};
