import { GetParameterError } from '@aws-lambda-powertools/parameters';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, RemoveRegionsFromReplicationCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { logger } from '../observability/logger.ts';
import { countSecretReplicationFailure } from '../observability/metrics.ts';

import { SECRET_FAMILIES, SECRETS_KEY_ALIAS, type SecretFamily } from '../../manifest/secrets.ts';

export { SECRET_FAMILIES, SECRETS_KEY_ALIAS, type SecretFamily };

let client: SecretsManagerClient | undefined;
let provider: SecretsProvider | undefined;

/** One client per process (its connections are reused); endpoints and region come from the environment. */
export const secretsManagerClient = () => (client ??= new SecretsManagerClient({ maxAttempts: 3 }));

/**
 * How long a warm function keeps a secret it has read. Webhook secrets never change; MNO
 * credentials may be rotated by an operator, and are read again after this long.
 */
export const SECRET_CACHE_SECONDS = 300;

const notFound = (error: unknown) => error instanceof GetParameterError && (error.cause as { name?: string } | undefined)?.name === 'ResourceNotFoundException';

/**
 * A secret's text parsed as a JSON object. Parsing is ours, not Powertools' `transform: 'json'`:
 * a JSON syntax error quotes the text it failed on, and that text is the secret. The error here
 * names the secret and never shows its value.
 */
export const parseJsonObject = (text: string, name: string): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`secret ${name} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`secret ${name} is not a JSON object`);
  return value as Record<string, unknown>;
};

/**
 * A JSON object secret by name, through Powertools Parameters (cached per warm function for
 * SECRET_CACHE_SECONDS), or undefined when there is none. Errors name the failure, never a value.
 */
export const readJsonSecret = async (name: string): Promise<Record<string, unknown> | undefined> => {
  provider ??= new SecretsProvider({ awsSdkV3Client: secretsManagerClient() });
  let text: string | Uint8Array | undefined;
  try {
    text = await provider.get(name, { maxAge: SECRET_CACHE_SECONDS });
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
  if (text === undefined) return undefined;
  return parseJsonObject(typeof text === 'string' ? text : new TextDecoder().decode(text), name);
};

/** Where a new secret goes: the regions it is replicated to (the other region, so that a failover finds it there) and the key alias it is encrypted with. */
export interface SecretPlacement {
  replicaRegions?: readonly string[];
  kmsKeyId?: string;
}

/**
 * Creates a secret once: encrypted with the regional key and replicated to the other region, so
 * that the standby region reads it after a failover. A secret that exists already is an error
 * (names carry fresh ids; nothing overwrites a secret).
 */
export const createJsonSecret = async (name: string, value: Record<string, string>, description: string, placement: SecretPlacement = {}) => {
  const replicas = placement.replicaRegions ?? [];
  const kmsKeyId = placement.kmsKeyId ?? SECRETS_KEY_ALIAS;
  const created = await secretsManagerClient().send(
    new CreateSecretCommand({
      Name: name,
      Description: description,
      SecretString: JSON.stringify(value),
      KmsKeyId: kmsKeyId,
      ...(replicas.length > 0 ? { AddReplicaRegions: replicas.map((Region) => ({ Region, KmsKeyId: kmsKeyId })) } : {}),
    }),
  );
  // The secret exists here even when its replica could not be made (the other region's key missing
  // or disabled, the region impaired): keep going, and say so where a person will see it. A replica
  // that fails later, asynchronously, shows in the secret's ReplicationStatus only.
  for (const replica of created.ReplicationStatus ?? []) {
    if (replica.Status !== 'Failed') continue;
    logger.error('secret not replicated', { secret: name, region: replica.Region, reason: replica.StatusMessage });
    countSecretReplicationFailure();
  }
};

/** How long Secrets Manager keeps a deleted secret recoverable (its minimum is 7 days). */
export const DELETED_SECRET_RECOVERY_DAYS = 7;

const gone = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException';

/**
 * Deletes a secret, replicas first (Secrets Manager refuses to delete a primary that still has
 * some), recoverable for DELETED_SECRET_RECOVERY_DAYS. A secret already gone, or already
 * scheduled for deletion, is fine: deleting again changes nothing.
 */
export const deleteSecret = async (name: string) => {
  const client = secretsManagerClient();
  let replicas: string[];
  try {
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    if (described.DeletedDate) return;
    replicas = (described.ReplicationStatus ?? []).map((r) => r.Region!).filter(Boolean);
  } catch (error) {
    if (gone(error)) return;
    throw error;
  }
  if (replicas.length > 0) await client.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: replicas }));
  try {
    await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: DELETED_SECRET_RECOVERY_DAYS }));
  } catch (error) {
    if (!gone(error)) throw error;
  }
};
