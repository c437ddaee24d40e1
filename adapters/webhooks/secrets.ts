import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TenantId } from '../../domain/identifiers/index.ts';
import { SubscriptionId } from '../../domain/subscription/events.ts';
import { createJsonSecret, deleteSecret, readJsonSecret, SECRET_FAMILIES, type SecretPlacement } from '../secrets/secrets-manager.ts';

import type { WebhookSecrets } from '../../application/webhooks/ports.ts';
import { EnvironmentError, type Environment } from '../../manifest/environment.ts';

export type { WebhookSecrets };

/** A path that cannot leave the directory: both parts are validated identifiers. */
const fileOf = (dir: string, tenant: string, id: string) => {
  if (!TenantId.safeParse(tenant).success || !SubscriptionId.safeParse(id).success) throw new Error('not a tenant and subscription id');
  return join(dir, tenant, `${id}.json`);
};

/**
 * The local secret store: one JSON file per subscription, `<dir>/<tenant>/<id>.json`, mode 0600
 * in directories of mode 0700, written to a temporary file and renamed into place.
 */
export const fileWebhookSecrets = (dir: string): WebhookSecrets => ({
  async put(tenant, id, secret) {
    const file = fileOf(dir, tenant, id);
    await mkdir(join(dir, tenant), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ secret }), { mode: 0o600, flag: 'w' });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  },
  async get(tenant, id) {
    try {
      return (JSON.parse(await readFile(fileOf(dir, tenant, id), 'utf8')) as { secret?: string }).secret;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  async remove(tenant, id) {
    await rm(fileOf(dir, tenant, id), { force: true });
  },
});

/** The secret's name, from validated parts only. */
export const webhookSecretName = (tenant: string, id: string) => {
  if (!TenantId.safeParse(tenant).success || !SubscriptionId.safeParse(id).success) throw new Error('not a tenant and subscription id');
  return `${SECRET_FAMILIES.webhooks}${tenant}/${id}`;
};

/**
 * Secrets Manager: `switchboard/webhooks/<tenant>/<id>` holding `{"secret": …}`, created once
 * (encrypted with the regional key, replicated to the other region) and read through a cache.
 */
export const secretsManagerWebhookSecrets = (placement: SecretPlacement = {}): WebhookSecrets => ({
  async put(tenant, id, secret) {
    await createJsonSecret(webhookSecretName(tenant, id), { secret }, `Switchboard webhook signing secret of subscription ${id}`, placement);
  },
  async get(tenant, id) {
    const value = (await readJsonSecret(webhookSecretName(tenant, id)))?.secret;
    return typeof value === 'string' ? value : undefined;
  },
  async remove(tenant, id) {
    await deleteSecret(webhookSecretName(tenant, id));
  },
});

/**
 * The store an environment (manifest/environment.ts) selects: Secrets Manager where SECRET_STORE
 * says so (the CDK app; new secrets replicated to SECRETS_REPLICA_REGIONS under SECRETS_KMS_KEY),
 * else files in WEBHOOK_SECRETS_DIR. Without either it fails when first used, naming the variable.
 */
export const webhookSecretsFor = (env: Environment): WebhookSecrets => {
  if (env.SECRET_STORE === 'secrets-manager') return secretsManagerWebhookSecrets({ replicaRegions: env.SECRETS_REPLICA_REGIONS, kmsKeyId: env.SECRETS_KMS_KEY });
  if (env.WEBHOOK_SECRETS_DIR) return fileWebhookSecrets(env.WEBHOOK_SECRETS_DIR);
  const fail = async (): Promise<never> => {
    throw new EnvironmentError('WEBHOOK_SECRETS_DIR is not set: no webhook secret store is configured');
  };
  return { put: fail, get: fail, remove: fail };
};
