import { base64url, flattenedVerify, importJWK, type FlattenedJWS, type JWK } from 'jose';
import type * as z from '../../domain/zod-mini.ts';
import { canonicalJson } from '../../domain/policy/canonical.ts';
import type { SignedJson } from '../../application/ports/eim-packages.ts';
import type { Signer } from '../../application/ports/signer.ts';

/**
 * Signed eIM packages and eUICC results, as flattened JWS (ES256) over their canonical JSON. The
 * signature is made by a Signer (the key never leaves KMS or its file) and checked with jose; a
 * payload is trusted only after its signature holds and it parses against its schema.
 */
export const signJson = async (signer: Signer, value: unknown): Promise<SignedJson> => {
  const header = base64url.encode(JSON.stringify({ alg: 'ES256', kid: signer.keyId }));
  const payload = base64url.encode(canonicalJson(value));
  const signature = await signer.sign(new TextEncoder().encode(`${header}.${payload}`));
  return { protected: header, payload, signature: base64url.encode(signature) };
};

export class SignatureRefused extends Error {
  override readonly name = 'SignatureRefused';
}

/** The payload, once the signature verifies with `publicJwk` and the payload fits `schema`; else SignatureRefused (naming no value). */
export const verifyJson = async <S extends z.ZodMiniType>(jws: FlattenedJWS, publicJwk: JWK, schema: S): Promise<z.infer<S>> => {
  let payload: Uint8Array;
  try {
    ({ payload } = await flattenedVerify(jws, await importJWK(publicJwk, 'ES256'), { algorithms: ['ES256'] }));
  } catch (error) {
    throw new SignatureRefused(`signature does not verify: ${(error as Error).name}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new SignatureRefused('signed payload is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SignatureRefused(`signed payload is malformed: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
};
