import { readFile } from 'node:fs/promises';
import { EnvironmentError, type Environment } from '../../manifest/environment.ts';
import { parseJsonObject, readJsonSecret, SECRET_FAMILIES } from '../secrets/secrets-manager.ts';

/**
 * CMP credentials by reference (`secret://mno/<id>`): MNO registrations and events hold only the
 * reference. Locally the references resolve from a JSON file (MNO_CREDENTIALS_FILE, mode 0600)
 * that the local runtime writes for its simulated MNOs; in AWS from Secrets Manager.
 */
export interface CredentialStore {
  get(ref: string): Promise<Record<string, string>>;
}

export const fileCredentialStore = (path: string): CredentialStore => ({
  async get(ref) {
    const all = parseJsonObject(await readFile(path, 'utf8'), path) as Record<string, Record<string, string>>;
    const found = all[ref];
    if (!found) throw new Error(`no credentials are stored under ${ref}`);
    return found;
  },
});

/** `secret://mno/<id>` → `switchboard/mno/<id>`; any other reference is refused (a function may read only that family). */
export const credentialsSecretName = (ref: string) => {
  const match = /^secret:\/\/mno\/([\w./-]{1,200})$/.exec(ref);
  if (!match || match[1]!.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new Error('an MNO credentials reference is secret://mno/<id>');
  return `${SECRET_FAMILIES.mnoCredentials}${match[1]}`;
};

/** Secrets Manager: the reference's secret, a JSON object of strings (client id, secret, API key… as the CMP's style needs). */
export const secretsManagerCredentialStore = (): CredentialStore => ({
  async get(ref) {
    const found = await readJsonSecret(credentialsSecretName(ref));
    if (!found) throw new Error(`no credentials are stored under ${ref}`);
    return Object.fromEntries(Object.entries(found).filter((e): e is [string, string] => typeof e[1] === 'string'));
  },
});

/**
 * The store an environment (manifest/environment.ts) selects: Secrets Manager where SECRET_STORE
 * says so (the CDK app), else the file MNO_CREDENTIALS_FILE names. Without either it fails when
 * first used, naming the variable, so that an entry point that never calls a CMP starts without it.
 */
export const credentialStoreFor = (env: Environment): CredentialStore => {
  if (env.SECRET_STORE === 'secrets-manager') return secretsManagerCredentialStore();
  if (env.MNO_CREDENTIALS_FILE) return fileCredentialStore(env.MNO_CREDENTIALS_FILE);
  return {
    get: async () => {
      throw new EnvironmentError('MNO_CREDENTIALS_FILE is not set: no credential store is configured');
    },
  };
};
