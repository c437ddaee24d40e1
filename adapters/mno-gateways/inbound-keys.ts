import { readFile } from 'node:fs/promises';
import type { Environment } from '../../manifest/environment.ts';
import { MnoId } from '../../domain/identifiers/index.ts';
import { parseJsonObject, readJsonSecret, SECRET_FAMILIES } from '../secrets/secrets-manager.ts';

/**
 * The keys an MNO signs what it sends Switchboard with (`signalKey`, `es2plusKey`), kept apart from
 * its CMP credentials (manifest/secrets.ts `mnoInboundKeys`): the public routes that check them
 * hold no CMP credential. In AWS the secret `switchboard/mno-inbound/<mno id>`; locally the entry
 * `secret://mno-inbound/<mno id>` of the MNO credentials file. Undefined: none is stored.
 */
export type InboundKeys = (mno: string) => Promise<Record<string, string> | undefined>;

const strings = (found: Record<string, unknown> | undefined) =>
  found && Object.fromEntries(Object.entries(found).filter((e): e is [string, string] => typeof e[1] === 'string'));

export const inboundKeysFor = (env: Environment): InboundKeys => async (mno) => {
  // An MNO id is the secret's name: anything else (a path, a prefix of others) reads nothing.
  if (!MnoId.safeParse(mno).success) return undefined;
  if (env.SECRET_STORE === 'secrets-manager') return strings(await readJsonSecret(`${SECRET_FAMILIES.mnoInboundKeys}${mno}`));
  if (!env.MNO_CREDENTIALS_FILE) return undefined;
  const all = parseJsonObject(await readFile(env.MNO_CREDENTIALS_FILE, 'utf8'), env.MNO_CREDENTIALS_FILE) as Record<string, Record<string, unknown>>;
  return strings(all[`secret://mno-inbound/${mno}`]);
};
