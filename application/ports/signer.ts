import type { JWK } from 'jose';

/**
 * A P-256 signing key that may never leave where it lives (an AWS KMS asymmetric key
 * `ECC_NIST_P256`, or locally a key file): it signs bytes with ECDSA over SHA-256 and says which
 * public key verifies them.
 */
export interface Signer {
  /** Names the key in what it signs (the JWS `kid`). */
  readonly keyId: string;
  publicJwk(): Promise<JWK>;
  /** The ECDSA P-256 / SHA-256 signature of `input`, as r‖s (64 bytes, the JWS ES256 form). */
  sign(input: Uint8Array): Promise<Uint8Array>;
}
