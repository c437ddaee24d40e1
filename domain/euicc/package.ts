import * as z from '../zod-mini.ts';
import { Eid, Iccid } from '../identifiers/index.ts';

/**
 * eIM packages (GSMA SGP.32 §2.11: EuiccPackageRequest / EuiccPackageResult), as Switchboard
 * carries them: the same fields in JSON rather than DER, signed as a JWS (ES256: ECDSA P-256 with
 * SHA-256, the curve and hash SGP.32 uses) instead of the ASN.1 `eimSignature`.
 *
 * The composite schemas are `z.lazy`: every function that reads a SIM's stream imports them (for
 * the eIM events), and only those that take or sign packages parse with them; the others never
 * build them (about 40 zod schemas, 2 ms of module init).
 */

export const PsmoOp = z.enum(['enable', 'disable', 'delete', 'setFallbackAttribute', 'unsetFallbackAttribute']);

/** Profile State Management Operations: the `psmoList` of an eUICC package. */
export const Psmo = z.lazy(() =>
  z.discriminatedUnion('op', [
    /** `rollback`: if the profile cannot attach in time, the eUICC goes back to the one enabled before (SGP.32 rollbackProfile). */
    z.object({ op: z.literal('enable'), iccid: Iccid, rollback: z.optional(z.boolean()) }),
    z.object({ op: z.literal('disable'), iccid: Iccid }),
    z.object({ op: z.literal('delete'), iccid: Iccid }),
    z.object({ op: z.literal('setFallbackAttribute'), iccid: Iccid }),
    z.object({ op: z.literal('unsetFallbackAttribute'), iccid: Iccid }),
  ]),
);
export type Psmo = z.infer<typeof Psmo>;

/** The transaction a package names: 1–16 bytes, in hex. */
export const TransactionId = z.string().check(z.regex(/^[0-9a-f]{2,32}$/, 'a transaction id is 1–16 bytes of hex'));

/** EuiccPackageSigned: what the eIM signs. The counter rises with each package to this eUICC. */
export const EuiccPackage = z.lazy(() =>
  z.strictObject({
    eimId: z.string().check(z.minLength(1), z.maxLength(128)),
    eid: Eid,
    counter: z.int().check(z.positive()),
    transactionId: TransactionId,
    psmos: z.array(Psmo).check(z.minLength(1), z.maxLength(8)),
  }),
);
export type EuiccPackage = z.infer<typeof EuiccPackage>;

/**
 * A profile download trigger (SGP.32 ProfileDownloadTriggerRequest), what the eIM signs for the
 * device's IPA: the activation code of a profile ordered for this EID (SGP.22: `1$<SM-DP+ address>$<matching id>`).
 */
export const ProfileDownloadTrigger = z.lazy(() =>
  z.strictObject({
    eimId: z.string().check(z.minLength(1), z.maxLength(128)),
    eid: Eid,
    iccid: Iccid,
    activationCode: z.string().check(z.regex(/^1\$[^$]{1,255}\$[^$]{1,255}$/, 'an activation code is 1$<SM-DP+ address>$<matching id>')),
  }),
);
export type ProfileDownloadTrigger = z.infer<typeof ProfileDownloadTrigger>;

/** The outcome of one PSMO (SGP.32 enableResult and its siblings, in words). */
export const PsmoOutcome = z.enum([
  'ok',
  /** Enabled, could not attach within its timeout, and the profile enabled before is enabled again. */
  'rolled-back',
  'iccid-not-found',
  'profile-not-in-disabled-state',
  'profile-not-in-enabled-state',
  /** The last profile cannot be left without an enabled one, nor the enabled one deleted. */
  'disallowed-by-policy',
]);
export type PsmoOutcome = z.infer<typeof PsmoOutcome>;

/** What one PSMO did, as a result lists it. */
export const PsmoResult = z.lazy(() =>
  z.object({ op: PsmoOp, iccid: Iccid, outcome: PsmoOutcome }),
);
export type PsmoResult = z.infer<typeof PsmoResult>;

/** Why an eUICC refused a whole package (SGP.32 EuiccPackageErrorCode): nothing in it was executed. */
export const PackageRefusal = z.enum(['invalid-signature', 'invalid-eid', 'replay']);
export type PackageRefusal = z.infer<typeof PackageRefusal>;

/** EuiccPackageResultDataSigned: what the eUICC signs back, one outcome per PSMO, or the refusal. */
export const EuiccPackageResult = z.lazy(() =>
  z.strictObject({
    eimId: z.string().check(z.minLength(1), z.maxLength(128)),
    eid: Eid,
    counter: z.int().check(z.positive()),
    transactionId: z.string(),
    /** The eUICC's own sequence number for results: rises with each result it signs. */
    seq: z.int().check(z.positive()),
    outcome: z.union([z.object({ refused: PackageRefusal }), z.object({ results: z.array(PsmoResult) })]),
  }),
);
export type EuiccPackageResult = z.infer<typeof EuiccPackageResult>;
