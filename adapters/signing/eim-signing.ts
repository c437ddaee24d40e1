import * as z from '../../domain/zod-mini.ts';
import type { EimSigning, SignedJson } from '../../application/ports/eim-packages.ts';
import type { PublicJwk, Signer } from '../../application/ports/signer.ts';
import { EuiccPackageResult } from '../../domain/euicc/package.ts';
import { Eid } from '../../domain/identifiers/index.ts';
import { SignatureRefused, signJson, verifyJson } from './jws.ts';

/**
 * An eUICC's certificate, as Switchboard takes it: its EID and public key, signed by its
 * manufacturer (the EUM), whose key Switchboard trusts. It stands for SGP.32's certificate chain
 * (CI → EUM → eUICC) in one link: enough to bind a result's key to one EID.
 */
export const EuiccCertificate = z.strictObject({
  eid: Eid,
  publicJwk: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }),
});

/** What a device signs (with its eUICC's key) to ask for its packages: its EID and when (a request is good for a few minutes). */
export const DeviceRequest = z.strictObject({ eid: Eid, at: z.iso.datetime() });

/** What an EUM signs for one of its eUICCs. */
export const issueEuiccCertificate = (eum: Signer, eid: string, publicJwk: PublicJwk) => signJson(eum, { eid, publicJwk });

/** The eIM's signing and verification: packages signed with `signer` (the eIM key), results checked against certificates from the `eums` it trusts. */
export const eimSigning = (options: { eimId: string; signer: Signer; eums: () => Promise<readonly PublicJwk[]> }): EimSigning => ({
  eimId: options.eimId,
  sign: (pkg) => signJson(options.signer, pkg),
  signTrigger: (trigger) => signJson(options.signer, trigger),
  verifyRequest: async (eid, request, certificate) => signedByEuicc(await options.eums(), eid, request, certificate, DeviceRequest, 'request'),
  verifyResult: async (eid, result, certificate) => signedByEuicc(await options.eums(), eid, result, certificate, EuiccPackageResult, 'result'),
});

/** What the eUICC of this EID signed: its certificate from a trusted EUM, for this EID, and its signature over a payload for this EID. */
const signedByEuicc = async <S extends z.ZodMiniType<{ eid: string }>>(eums: readonly PublicJwk[], eid: string, signed: SignedJson, certificate: SignedJson, schema: S, what: string) => {
  const certified = await certifiedKey(eums, certificate);
  if (certified.eid !== eid) throw new SignatureRefused('the certificate is for another EID');
  const verified = await verifyJson(signed, certified.publicJwk as PublicJwk, schema);
  if (verified.eid !== eid) throw new SignatureRefused(`the ${what} is for another EID`);
  return verified as z.infer<S>;
};

const certifiedKey = async (eums: readonly PublicJwk[], certificate: SignedJson) => {
  for (const eum of eums) {
    try {
      return await verifyJson(certificate, eum, EuiccCertificate);
    } catch (error) {
      if (!(error instanceof SignatureRefused)) throw error;
    }
  }
  throw new SignatureRefused('the eUICC certificate is from no trusted EUM');
};
