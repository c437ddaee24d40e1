import * as z from '../zod-mini.ts';
import { Eid, Iccid, Imei, Imsi, MnoId } from '../identifiers/index.ts';
import { PackageRefusal, Psmo, PsmoResult } from '../euicc/package.ts';
import { ALERT_KINDS } from '../signals/alert-kinds.ts';
import { lazySchemas } from '../events.ts';

/** A profile order's id, as Switchboard gives it (the ES2+ functionCallIdentifier of its calls). */
export const OrderId = z.string().check(z.regex(/^order-[a-z0-9]{8,40}$/, 'not a profile order id'));

/** Where an SGP.22 download got to, as the SM-DP+'s notification points name it. */
export const DownloadPoint = z.enum(['eligibility', 'download', 'installation']);
export type DownloadPoint = z.infer<typeof DownloadPoint>;

/** A profile as a registration names it: `enabled` marks the one the eUICC has enabled (else the first that is not the fallback). */
export const ProfileInput = z.object({
  iccid: Iccid,
  mno: MnoId,
  imsi: Imsi,
  fallback: z._default(z.boolean(), false),
  enabled: z.optional(z.boolean()),
});
export type ProfileInput = z.infer<typeof ProfileInput>;

/**
 * Where a profile is on the eUICC: `ordered` from the MNO's SM-DP+, `downloading`, then installed
 * `disabled`; `enabled` (exactly one at a time: only its subscription is active at its MNO);
 * `deleted`.
 */
export const ProfileState = z.enum(['ordered', 'downloading', 'disabled', 'enabled', 'deleted']);
export type ProfileState = z.infer<typeof ProfileState>;

/** A profile the SIM holds. An ordered profile's IMSI is not known to Switchboard (ES2+ names only its ICCID). */
export const Profile = z.object({
  iccid: Iccid,
  mno: MnoId,
  imsi: z.optional(Imsi),
  fallback: z.boolean(),
  state: ProfileState,
});
export type Profile = z.infer<typeof Profile>;

/**
 * SimRegistered before profiles had states (schema version 1): the first profile that is not the
 * fallback (else the first) was the one in use, the others installed but not enabled.
 */
export const profilesWithStates = (profiles: readonly Omit<ProfileInput, 'enabled'>[], enabledIccid?: string | undefined): Profile[] => {
  const enabled = enabledIccid ?? (profiles.find((p) => !p.fallback) ?? profiles[0])?.iccid;
  return profiles.map((p) => ({ iccid: p.iccid, mno: p.mno, imsi: p.imsi, fallback: p.fallback ?? false, state: p.iccid === enabled ? 'enabled' : 'disabled' }));
};

const Reason = z.optional(z.string().check(z.maxLength(500)));

/** A label the enterprise gives a SIM (fleet, site, product line…), for filtering lists. */
export const Label = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a label is 1–64 of a-z 0-9 . _ -, starting with a letter or digit'));
export const Labels = z.array(Label).check(z.maxLength(20, 'at most 20 labels'));

/** Why Switchboard suspended a SIM: the alert, its kind, and how many people its release takes. */
export const Containment = z.object({ alertId: z.string().check(z.maxLength(200)), kind: z.enum(ALERT_KINDS), releaseApprovals: z.union([z.literal(1), z.literal(2)]) });
export type Containment = z.infer<typeof Containment>;

/** Typed event definitions of the Sim aggregate: one schema per event type, the data it carries. */
export const SimEvents = lazySchemas({
  /** (Schema version 2: each profile with its state. Version 1 is read through `SIM_UPCASTERS`.) */
  SimRegistered: () => z.object({ eid: Eid, profiles: z.array(Profile).check(z.minLength(1)), imei: z.optional(Imei), labels: z.optional(Labels) }),
  /** The SIM's labels, all of them, as they are from now on. */
  SimLabelsSet: () => z.object({ labels: Labels }),
  SimActivated: () => z.object({ reason: Reason }),
  /** `containment`: Switchboard suspended it on an alert (actor `switchboard:guard`); only people release it, as many as it says. */
  SimSuspended: () => z.object({ reason: Reason, containment: z.optional(Containment) }),
  /** `release`: it was contained, and these people released it (one, or one who asked and another who approved). */
  SimResumed: () => z.object({ reason: Reason, release: z.optional(z.object({ requestedBy: z.string(), approvedBy: z.optional(z.string()) })) }),
  /** Switchboard quarantined it on an alert (actor `switchboard:guard`): active, but held at its MNO to the policy's management destinations, no SMS; released as a contained SIM is. */
  SimQuarantined: () => z.object({ reason: Reason, containment: Containment }),
  /** The first of two people asked to release a contained SIM; another must approve (resume it) before it is. */
  SimReleaseRequested: () => z.object({ requestedBy: z.string(), reason: Reason }),
  SimTerminationRequested: () => z.object({ requestedBy: z.string(), reason: Reason }),
  SimTerminationCancelled: () => z.object({ cancelledBy: z.string() }),
  SimTerminated: () => z.object({ requestedBy: z.string(), approvedBy: z.string() }),
  /** An MNO confirmed (read back) the state it holds for the SIM's profile: observed, not desired. */
  SimStateObserved: () => z.object({ mno: z.string(), state: z.enum(['active', 'suspended', 'terminated', 'quarantined']) }),
  /** An eIM package for the eUICC (SGP.32): its PSMOs, the counter it carries, the transaction that names it. Signed when the device fetches it. */
  EimPackageQueued: () => z.object({ counter: z.int().check(z.positive()), transactionId: z.string(), psmos: z.array(Psmo).check(z.minLength(1)) }),
  /** The eUICC ran the package and said, in a result it signed (verified before this was recorded), what each PSMO did. */
  EimPackageExecuted: () => z.object({ counter: z.int().check(z.positive()), transactionId: z.string(), seq: z.int().check(z.positive()), results: z.array(PsmoResult) }),
  /** The eUICC refused the package whole (signed, verified): nothing in it ran. */
  EimPackageRefused: () => z.object({ counter: z.int().check(z.positive()), transactionId: z.string(), seq: z.int().check(z.positive()), reason: PackageRefusal }),
  /** A profile asked of an MNO's SM-DP+ (GSMA SGP.22 ES2+); the order is placed by the `order-profile` rule. */
  ProfileOrderRequested: () => z.object({ orderId: OrderId, mno: MnoId }),
  /** The SM-DP+ took the order for this EID and released the profile (DownloadOrder, ConfirmOrder): `ordered`. Its activation code is a secret, kept apart. */
  ProfileOrdered: () => z.object({ orderId: OrderId, iccid: Iccid, mno: MnoId }),
  /** The SM-DP+ refused the order (its words, naming no secret). */
  ProfileOrderFailed: () => z.object({ orderId: OrderId, mno: MnoId, reason: z.string().check(z.maxLength(500)) }),
  /**
   * The SM-DP+'s progress notification (ES2+ HandleDownloadProgressInfo) for the profile: its
   * eligibility check, the bound profile package's download, its installation (then `disabled`);
   * a failure says why (a second download with a used activation code is refused at eligibility).
   */
  ProfileDownloadProgressed: () => z.object({
    iccid: Iccid,
    point: DownloadPoint,
    ok: z.boolean(),
    callId: z.optional(z.string().check(z.maxLength(200))),
    eid: z.optional(Eid),
    reason: z.optional(z.string().check(z.maxLength(500))),
  }),
  /** The eIM handed the device the download trigger, for its signed request made at `requestAt` (a request not newer gets none: a replay). */
  ProfileDownloadTriggerDelivered: () => z.object({ iccid: Iccid, requestAt: z.iso.datetime() }),
});

type Defs = typeof SimEvents;
export type SimEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];

/** How the SIM's events evolved: SimRegistered 1 → 2 gave each profile its state. */
export const SIM_EVOLUTION = {
  versions: { SimRegistered: 2 },
  upcasters: {
    SimRegistered: {
      1: (data: unknown) => {
        const v1 = data as { profiles: Omit<ProfileInput, 'enabled'>[] } & Record<string, unknown>;
        return { ...v1, profiles: profilesWithStates(v1.profiles) };
      },
    },
  },
};
