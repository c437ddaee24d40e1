import { GetParameterError } from '@aws-lambda-powertools/parameters';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { traced } from './tracer.ts';

/**
 * Switchboard's secrets in AWS Secrets Manager: every name starts with `switchboard/`, so IAM can
 * grant a function one family of them and nothing else. The CDK app and the adapters share these
 * names.
 * - `switchboard/webhooks/<tenant>/<subscription id>`: a subscription's signing secret, written by
 *   the create route, read by the delivery functions and the redeliver route.
 * - `switchboard/mno/<id>`: a CMP's credentials (JSON object), written by an operator
 *   (`aws secretsmanager create-secret`), referenced from the MNO registration as `secret://mno/<id>`,
 *   read by the cascade tasks that call CMPs.
 */
export const SECRET_FAMILIES = {
  webhooks: 'switchboard/webhooks/',
  mnoCredentials: 'switchboard/mno/',
} as const;
export type SecretFamily = keyof typeof SECRET_FAMILIES;

/** The customer-managed key each region encrypts Switchboard's secrets with (the same alias in every region). */
export const SECRETS_KEY_ALIAS = 'alias/switchboard-secrets';

/**
 * What a process is told about its secret store. `SECRET_STORE=secrets-manager` selects Secrets
 * Manager (set by the CDK app); writers also get `SECRETS_REPLICA_REGIONS` (the other region, so
 * that a failover finds every secret there) and the key alias.
 */
export const usesSecretsManager = () => process.env.SECRET_STORE === 'secrets-manager';

let client: SecretsManagerClient | undefined;
let provider: SecretsProvider | undefined;

/** One client per process (its connections are reused); endpoints and region come from the environment. */
export const secretsManagerClient = () => (client ??= traced(new SecretsManagerClient({ maxAttempts: 3 })));

/** How long a warm function keeps a secret it has read: secrets are written once and never change in place. */
const CACHE_SECONDS = 300;

const notFound = (error: unknown) => error instanceof GetParameterError && (error.cause as { name?: string } | undefined)?.name === 'ResourceNotFoundException';

/**
 * A JSON secret by name, through Powertools Parameters (cached per warm function), or undefined
 * when there is none. Errors name the failure, never a secret's value.
 */
export const readJsonSecret = async (name: string): Promise<Record<string, unknown> | undefined> => {
  provider ??= new SecretsProvider({ awsSdkV3Client: secretsManagerClient() });
  try {
    return (await provider.get(name, { transform: 'json', maxAge: CACHE_SECONDS })) as Record<string, unknown> | undefined;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
};

/**
 * Creates a secret once: encrypted with the regional key and replicated to the other region, so
 * that the standby region reads it after a failover. A secret that exists already is an error
 * (names carry fresh ids; nothing overwrites a secret).
 */
export const createJsonSecret = async (name: string, value: Record<string, string>, description: string) => {
  const replicas = (process.env.SECRETS_REPLICA_REGIONS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const kmsKeyId = process.env.SECRETS_KMS_KEY ?? SECRETS_KEY_ALIAS;
  await secretsManagerClient().send(
    new CreateSecretCommand({
      Name: name,
      Description: description,
      SecretString: JSON.stringify(value),
      KmsKeyId: kmsKeyId,
      ...(replicas.length > 0 ? { AddReplicaRegions: replicas.map((Region) => ({ Region, KmsKeyId: kmsKeyId })) } : {}),
    }),
  );
};
