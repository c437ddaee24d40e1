import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { PublicJwk, Signer } from '../../application/ports/signer.ts';

/**
 * The eIM key in AWS: an asymmetric KMS key (`ECC_NIST_P256`, usage `SIGN_VERIFY`) that never
 * leaves KMS. `Sign` with `ECDSA_SHA_256` over the raw message; KMS answers a DER signature,
 * which becomes the r‖s form a JWS carries. The public key is read once (`GetPublicKey`).
 */
export const kmsSigner = (kms: Pick<KMSClient, 'send'>, keyId: string): Signer => {
  let publicJwk: Promise<PublicJwk> | undefined;
  return {
    keyId,
    publicJwk: () =>
      (publicJwk ??= kms.send(new GetPublicKeyCommand({ KeyId: keyId })).then(({ PublicKey }) => {
        if (!PublicKey) throw new Error(`KMS key ${keyId} gave no public key`);
        return { ...(createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as PublicJwk), alg: 'ES256', kid: keyId };
      })),
    sign: async (input) => {
      const { Signature } = await kms.send(new SignCommand({ KeyId: keyId, Message: input, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
      if (!Signature) throw new Error(`KMS key ${keyId} gave no signature`);
      return derToRaw(Signature);
    },
  };
};

/**
 * An ECDSA P-256 signature from DER (`SEQUENCE { INTEGER r, INTEGER s }`, what KMS returns) to
 * r‖s, each 32 bytes (what JWS ES256 carries): integers lose their sign byte, short ones are
 * padded. Anything else is refused.
 */
export const derToRaw = (der: Uint8Array): Uint8Array => {
  const fail = () => {
    throw new Error('not a DER ECDSA P-256 signature');
  };
  if (der[0] !== 0x30) fail();
  let at = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const out = new Uint8Array(64);
  for (const offset of [0, 32]) {
    if (der[at] !== 0x02) fail();
    const length = der[at + 1]!;
    let value = der.subarray(at + 2, at + 2 + length);
    if (value.length !== length) fail();
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) fail();
    out.set(value, offset + 32 - value.length);
    at += 2 + length;
  }
  if (at !== der.length) fail();
  return out;
};
