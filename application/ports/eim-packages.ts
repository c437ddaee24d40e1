import type { EuiccPackage, EuiccPackageResult, ProfileDownloadTrigger } from '../../domain/euicc/package.ts';

/** A package or result as it travels: a flattened JWS (ES256) over its canonical JSON. */
export interface SignedJson {
  protected: string;
  payload: string;
  signature: string;
}

/**
 * The cryptography of the eIM's side of SGP.32 (adapters/signing): packages signed with the eIM key
 * (KMS in AWS, a key file locally), and eUICC results checked against the key that the eUICC's
 * certificate (issued by a trusted EUM) names for that EID.
 */
export interface EimSigning {
  readonly eimId: string;
  sign(pkg: EuiccPackage): Promise<SignedJson>;
  /** A profile download trigger for the device's IPA, signed with the same key. */
  signTrigger(trigger: ProfileDownloadTrigger): Promise<SignedJson>;
  /** The result, once its certificate is the EUM's for this EID and its signature is that eUICC's; else it throws, naming no secret. */
  verifyResult(eid: string, result: SignedJson, certificate: SignedJson): Promise<EuiccPackageResult>;
  /** A device's request for its packages (`{ eid, at }` signed by its eUICC), once its certificate and signature hold: when it was made. */
  verifyRequest(eid: string, request: SignedJson, certificate: SignedJson): Promise<{ eid: string; at: string }>;
}
