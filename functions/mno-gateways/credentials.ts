import { readFile } from 'node:fs/promises';

/**
 * CMP credentials by reference (`secret://mno/<id>`): MNO registrations and events hold only the
 * reference. Locally the references resolve from a JSON file (MNO_CREDENTIALS_FILE, mode 0600)
 * that the local runtime writes for its simulated MNOs.
 */
export interface CredentialStore {
  get(ref: string): Promise<Record<string, string>>;
}

export const fileCredentialStore = (path: string): CredentialStore => ({
  async get(ref) {
    const all = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, string>>;
    const found = all[ref];
    if (!found) throw new Error(`no credentials are stored under ${ref}`);
    return found;
  },
});

export const credentialStoreFromEnv = (): CredentialStore => {
  const file = process.env.MNO_CREDENTIALS_FILE;
  if (!file) throw new Error('MNO_CREDENTIALS_FILE is not set: no credential store is configured');
  return fileCredentialStore(file);
};
