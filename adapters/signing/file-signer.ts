import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { PublicJwk, Signer } from '../../application/ports/signer.ts';

/**
 * A P-256 key kept in a file (a private JWK, mode 0600), created on first use: the local stand-in
 * for a KMS key (the eIM's), and the simulated eUICCs' own keys. The private key is never logged
 * or returned.
 */
export const fileSigner = (file: string, keyId: string): Signer => {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey, format: 'jwk' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`signing key ${file} is unreadable: ${(error as Error).name}`);
    key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeFileSync(`${file}.tmp`, JSON.stringify(key.export({ format: 'jwk' })), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
  return memorySigner(key, keyId);
};

/** A P-256 key in memory (a simulated eUICC's, a test's). */
export const memorySigner = (key: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, keyId = 'memory'): Signer => {
  const publicJwk = { ...(createPublicKey(key).export({ format: 'jwk' }) as PublicJwk), alg: 'ES256', kid: keyId };
  return {
    keyId,
    publicJwk: async () => publicJwk,
    sign: async (input) => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }),
  };
};
