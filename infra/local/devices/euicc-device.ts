import * as z from '../../../domain/zod-mini.ts';
import type { SignedJson } from '../../../application/ports/eim-packages.ts';
import type { PublicJwk, Signer } from '../../../application/ports/signer.ts';
import { memorySigner } from '../../../adapters/signing/file-signer.ts';
import { SignatureRefused, signJson, verifyJson } from '../../../adapters/signing/jws.ts';
import { executePackage, installProfile, type Attachable, type EuiccProfile, type EuiccState } from '../../../domain/euicc/euicc.ts';
import { EuiccPackage, ProfileDownloadTrigger, TransactionId, type EuiccPackageResult } from '../../../domain/euicc/package.ts';

/**
 * A simulated IoT device: its IPA hands eIM packages to its eUICC, which checks the eIM's
 * signature (with the eIM public key it was configured with), runs the package by the eUICC's
 * rules (domain/euicc/euicc.ts) and signs the result with its own key (EID-bound), as SGP.32's
 * ES10b LoadEuiccPackage does. The network decides what can attach (`attachable`), so a profile
 * on an MNO in outage rolls back.
 */
export interface SimulatedEuicc {
  readonly eid: string;
  /** The eUICC's public key: what a result's signature is checked with. */
  publicJwk(): Promise<PublicJwk>;
  state(): EuiccState;
  /** The sequence number of the last result it signed. */
  seq(): number;
  /** The device's request for its packages, signed by its eUICC: `{ eid, at }`. */
  request(at: Date): Promise<SignedJson>;
  /** One package, signed by the eIM: the signed result (a refusal too is signed). */
  load(jws: SignedJson): Promise<SignedJson>;
  /** A profile download trigger, signed by the eIM: its content once the signature holds (else it throws SignatureRefused). */
  trigger(jws: SignedJson): Promise<ProfileDownloadTrigger>;
  /** A downloaded profile installed (disabled). */
  install(iccid: string): void;
}

export const simulatedEuicc = (options: {
  eid: string;
  profiles: readonly EuiccProfile[];
  eimId: string;
  eimPublicJwk: PublicJwk;
  attachable: Attachable;
  key?: Signer | undefined;
  /** What it held before a restart: its profiles, counter and result sequence. */
  restored?: { state: EuiccState; seq: number } | undefined;
}): SimulatedEuicc => {
  const key = options.key ?? memorySigner(undefined, `euicc-${options.eid}`);
  let state: EuiccState = options.restored?.state ?? { eid: options.eid, profiles: options.profiles, counter: 0 };
  let seq = options.restored?.seq ?? 0;
  const result = (pkg: Pick<EuiccPackage, 'counter' | 'transactionId'>, outcome: EuiccPackageResult['outcome']) =>
    signJson(key, { eimId: options.eimId, eid: options.eid, counter: pkg.counter, transactionId: pkg.transactionId, seq: ++seq, outcome } satisfies EuiccPackageResult);

  return {
    eid: options.eid,
    publicJwk: () => key.publicJwk(),
    state: () => state,
    seq: () => seq,
    request: (at) => signJson(key, { eid: options.eid, at: at.toISOString() }),
    trigger: (jws) => verifyJson(jws, options.eimPublicJwk, ProfileDownloadTrigger),
    install: (iccid) => void (state = installProfile(state, iccid)),
    async load(jws) {
      let pkg: EuiccPackage;
      try {
        pkg = await verifyJson(jws, options.eimPublicJwk, EuiccPackage);
      } catch (error) {
        if (!(error instanceof SignatureRefused)) throw error;
        // Not the eIM's: nothing runs; the answer names what the package claimed to be, if it can be read.
        const claimed = z.object({ counter: z.int().check(z.positive()), transactionId: TransactionId }).safeParse(readPayload(jws));
        return result(claimed.success ? claimed.data : { counter: 1, transactionId: '00' }, { refused: 'invalid-signature' });
      }
      const out = executePackage(state, pkg, options.attachable);
      state = out.euicc;
      return result(pkg, 'refused' in out ? { refused: out.refused } : { results: out.results });
    },
  };
};

const readPayload = (jws: SignedJson): unknown => {
  try {
    return JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};
