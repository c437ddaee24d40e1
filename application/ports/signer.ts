/** A public key as a JWK (RFC 7517): for P-256, `kty` EC, `crv` P-256, `x`, `y`. */
export interface PublicJwk {
  kty: string;
  crv?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
  kid?: string | undefined;
  alg?: string | undefined;
}

/**
 * A P-256 signing key that may never leave where it lives (an AWS KMS asymmetric key
 * `ECC_NIST_P256`, or locally a key file): it signs bytes with ECDSA over SHA-256 and says which
 * public key verifies them.
 */
export interface Signer {
  /** Names the key in what it signs (the JWS `kid`). */
  readonly keyId: string;
  publicJwk(): Promise<PublicJwk>;
  /** The ECDSA P-256 / SHA-256 signature of `input`, as r‖s (64 bytes, the JWS ES256 form). */
  sign(input: Uint8Array): Promise<Uint8Array>;
}
