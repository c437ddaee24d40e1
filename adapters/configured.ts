import type { UrlPolicy } from '../domain/subscription/url.ts';
import type { Environment } from '../manifest/environment.ts';
import { EnvironmentError } from '../manifest/environment.ts';
import { fileCredentialStore, secretsManagerCredentialStore, type CredentialStore } from './mno-gateways/credentials.ts';
import { fileWebhookSecrets, secretsManagerWebhookSecrets, type WebhookSecrets } from './webhooks/secrets.ts';

/**
 * The adapters an environment (manifest/environment.ts) selects, for the Lambda wiring and the
 * local runtime alike: Secrets Manager where SECRET_STORE says so (the CDK app), files on this
 * machine. A store whose variable is missing fails when it is first used, naming the variable, so
 * that an entry point that never needs it starts without it.
 */
const missing = (name: string, purpose: string) => () => {
  throw new EnvironmentError(`${name} is not set: ${purpose}`);
};

export const webhookSecretsFor = (env: Environment): WebhookSecrets => {
  if (env.SECRET_STORE === 'secrets-manager') return secretsManagerWebhookSecrets({ replicaRegions: env.SECRETS_REPLICA_REGIONS, kmsKeyId: env.SECRETS_KMS_KEY });
  if (env.WEBHOOK_SECRETS_DIR) return fileWebhookSecrets(env.WEBHOOK_SECRETS_DIR);
  const fail = missing('WEBHOOK_SECRETS_DIR', 'no webhook secret store is configured');
  return { put: fail, get: fail, remove: fail };
};

export const credentialStoreFor = (env: Environment): CredentialStore => {
  if (env.SECRET_STORE === 'secrets-manager') return secretsManagerCredentialStore();
  if (env.MNO_CREDENTIALS_FILE) return fileCredentialStore(env.MNO_CREDENTIALS_FILE);
  return { get: missing('MNO_CREDENTIALS_FILE', 'no credential store is configured') };
};

/** https only, unless SWITCHBOARD_ALLOW_HTTP_WEBHOOKS=loopback (the local runtime) allows http to loopback. */
export const urlPolicyFor = (env: Environment): UrlPolicy => ({ allowLoopbackHttp: env.SWITCHBOARD_ALLOW_HTTP_WEBHOOKS === 'loopback' });
