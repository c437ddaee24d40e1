import { KMSClient } from '@aws-sdk/client-kms';
import { eimSigning } from '../../adapters/signing/eim-signing.ts';
import { fileSigner } from '../../adapters/signing/file-signer.ts';
import { kmsSigner } from '../../adapters/signing/kms-signer.ts';
import { activationCodesFor } from '../../adapters/secrets/activation-codes.ts';
import type { ActivationCodes } from '../../application/ports/activation-codes.ts';
import type { EimSigning } from '../../application/ports/eim-packages.ts';
import type { PublicJwk, Signer } from '../../application/ports/signer.ts';
import { required } from '../../manifest/environment.ts';
import { env } from './wiring.ts';

let signing: EimSigning | undefined;

/**
 * The eIM's keys, made on first use: packages signed by the KMS key `EIM_KEY_ID` in AWS (it never
 * leaves KMS) or by the key file `EIM_KEY_FILE` locally; eUICC certificates trusted when an EUM in
 * `EUM_PUBLIC_KEYS` signed them.
 */
export const eimPorts = (): EimSigning =>
  (signing ??= eimSigning({ eimId: env.EIM_ID, signer: lazySigner(), eums: async () => JSON.parse(env.EUM_PUBLIC_KEYS) as PublicJwk[] }));

/** The eIM key, made when something is first signed: the routes that only verify need none. */
const lazySigner = (): Signer => {
  let made: Signer | undefined;
  const key = () =>
    (made ??= env.EIM_KEY_ID
      ? kmsSigner(new KMSClient({}), env.EIM_KEY_ID)
      : fileSigner(required(env, 'EIM_KEY_FILE', 'the eIM signs packages with it (or EIM_KEY_ID, a KMS key)'), 'eim'));
  return { keyId: 'eim', publicJwk: () => key().publicJwk(), sign: (input) => key().sign(input) };
};

let codes: ActivationCodes | undefined;

/** Ordered profiles' activation codes: Secrets Manager in AWS, files locally (made on first use). */
export const activationCodes = (): ActivationCodes => (codes ??= activationCodesFor(env));

/** Tests put their own in place. */
export const useEimSigning = (replacement: EimSigning | undefined) => void (signing = replacement);
