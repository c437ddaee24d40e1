import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivationCodes } from '../../application/ports/activation-codes.ts';
import { Eid, Iccid, TenantId } from '../../domain/identifiers/index.ts';
import { EnvironmentError, type Environment } from '../../manifest/environment.ts';
import { createJsonSecret, deleteSecret, readJsonSecret, SECRET_FAMILIES, type SecretPlacement } from './secrets-manager.ts';

/** The secret's path below its family, from validated identifiers only (nothing can leave the family). */
const partsOf = (tenant: string, eid: string, iccid: string) => {
  if (!TenantId.safeParse(tenant).success || !Eid.safeParse(eid).success || !Iccid.safeParse(iccid).success) throw new Error('not a tenant, EID and ICCID');
  return [tenant, eid, iccid] as const;
};

/** Locally: `<dir>/<tenant>/<eid>/<iccid>.json`, 0600 in 0700 directories, written to a temporary file and renamed into place. */
export const fileActivationCodes = (dir: string): ActivationCodes => {
  const fileOf = (tenant: string, eid: string, iccid: string) => {
    const [t, e, i] = partsOf(tenant, eid, iccid);
    return { folder: join(dir, t, e), file: join(dir, t, e, `${i}.json`) };
  };
  return {
    async put(tenant, eid, iccid, code) {
      const { folder, file } = fileOf(tenant, eid, iccid);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ activationCode: code }), { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, file);
    },
    async get(tenant, eid, iccid) {
      let text: string;
      try {
        text = await readFile(fileOf(tenant, eid, iccid).file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      // A damaged file is said to be so, never quoted (its text is a secret).
      try {
        return (JSON.parse(text) as { activationCode?: string }).activationCode;
      } catch {
        throw new Error(`the activation code of profile ${iccid} is stored damaged`);
      }
    },
    async remove(tenant, eid, iccid) {
      await rm(fileOf(tenant, eid, iccid).file, { force: true });
    },
  };
};

export const activationCodeSecretName = (tenant: string, eid: string, iccid: string) => `${SECRET_FAMILIES.activationCodes}${partsOf(tenant, eid, iccid).join('/')}`;

/** Secrets Manager: `switchboard/activation-codes/<tenant>/<eid>/<iccid>` holding `{"activationCode": …}`, replicated to the other region. */
export const secretsManagerActivationCodes = (placement: SecretPlacement = {}): ActivationCodes => ({
  async put(tenant, eid, iccid, code) {
    try {
      await createJsonSecret(activationCodeSecretName(tenant, eid, iccid), { activationCode: code }, `Switchboard: the activation code of profile ${iccid}`, placement);
    } catch (error) {
      // Made already by an earlier run of the same order (the same code: the SM-DP+ answers a repeated call alike): fine; another code is not.
      if ((error as Error).name !== 'ResourceExistsException') throw error;
      const kept = (await readJsonSecret(activationCodeSecretName(tenant, eid, iccid)))?.activationCode;
      if (kept !== code) throw new Error(`profile ${iccid} has another activation code stored already`);
    }
  },
  async get(tenant, eid, iccid) {
    const value = (await readJsonSecret(activationCodeSecretName(tenant, eid, iccid)))?.activationCode;
    return typeof value === 'string' ? value : undefined;
  },
  async remove(tenant, eid, iccid) {
    await deleteSecret(activationCodeSecretName(tenant, eid, iccid));
  },
});

/** The store the environment selects: Secrets Manager in AWS, else files in ACTIVATION_CODES_DIR (failing on use, naming it, without either). */
export const activationCodesFor = (env: Environment): ActivationCodes => {
  if (env.SECRET_STORE === 'secrets-manager') return secretsManagerActivationCodes({ replicaRegions: env.SECRETS_REPLICA_REGIONS, kmsKeyId: env.SECRETS_KMS_KEY });
  if (env.ACTIVATION_CODES_DIR) return fileActivationCodes(env.ACTIVATION_CODES_DIR);
  const fail = async (): Promise<never> => {
    throw new EnvironmentError('ACTIVATION_CODES_DIR is not set: no activation code store is configured');
  };
  return { put: fail, get: fail, remove: fail };
};
