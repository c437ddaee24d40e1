import * as z from '../zod-mini.ts';
import { Eid, MnoId } from '../identifiers/index.ts';
import { Labels } from '../sim/events.ts';

/** At most this many EIDs named in one request; a larger fleet is selected by label, state or MNO. */
export const MAX_SELECTED_EIDS = 1000;

export { BulkId } from './bulk-id.ts';
import { BulkId } from './bulk-id.ts';

/**
 * Which SIMs a bulk operation acts on: EIDs named one by one, or a filter of the tenant's SIMs
 * (every given field must match). Only ever the caller's own SIMs: an EID that is not one of them
 * is reported `failed` (`sim-not-found`), never looked up elsewhere.
 */
export const Selector = z.union([
  z.strictObject({
    eids: z.array(Eid).check(
      z.minLength(1),
      z.maxLength(MAX_SELECTED_EIDS),
      z.refine((eids) => new Set(eids).size === eids.length, 'an EID is named twice'),
    ),
  }),
  /** The SIMs of an earlier operation of the tenant (with that outcome): retry its failures, undo a fallback. */
  z.strictObject({ operation: BulkId, outcome: z.optional(z.enum(['succeeded', 'failed', 'skipped'])) }),
  z
    .strictObject({
      label: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
      state: z.optional(z.enum(['inventory', 'active', 'suspended', 'terminated'])),
      /** SIMs with a profile on this MNO. */
      mno: z.optional(MnoId),
      /** SIMs whose enabled profile is on this MNO. */
      enabledOn: z.optional(MnoId),
      // Another shape's keys are this shape's type errors, so a bad `eids` is explained as one (not as an unknown key here).
      eids: z.optional(z.never()),
      operation: z.optional(z.never()),
    })
    .check(z.refine((s) => Object.values(s).some((v) => v !== undefined), 'a selector names eids, or at least one of label, state, mno, enabledOn')),
]);
export type Selector = z.infer<typeof Selector>;

const Reason = z.optional(z.string().check(z.minLength(1), z.maxLength(500)));

/** What a bulk operation does to each selected SIM: the same command one SIM would get, with its parameters. */
export const BulkRequest = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('activate'), selector: Selector, reason: Reason }),
  z.strictObject({ action: z.literal('suspend'), selector: Selector, reason: Reason }),
  z.strictObject({ action: z.literal('resume'), selector: Selector, reason: Reason }),
  z.strictObject({ action: z.literal('set-labels'), selector: Selector, labels: Labels }),
  /**
   * `mno`: enable the SIM's installed profile on that MNO. `awayFrom`: leave that MNO for the SIM's
   * fallback profile (or another installed one) on an MNO that can take work (what automatic
   * fallback does). Exactly one of the two.
   */
  z
    .strictObject({ action: z.literal('enable-profile'), selector: Selector, mno: z.optional(MnoId), awayFrom: z.optional(MnoId), rollback: z._default(z.boolean(), true) })
    .check(z.refine((r) => (r.mno === undefined) !== (r.awayFrom === undefined), 'enable-profile names exactly one of mno, awayFrom')),
  /** A profile ordered from the MNO's SM-DP+ for each SIM (SGP.22 ES2+), as `POST /v1/sims/{eid}/profiles` would. */
  z.strictObject({ action: z.literal('order-profile'), selector: Selector, mno: MnoId }),
]);
export type BulkRequest = z.infer<typeof BulkRequest>;
export type BulkAction = BulkRequest['action'];

/** Which shape a selector has (its keys alone do not say: the filter's type names the others' keys as never). */
export const selectsEids = (s: Selector): s is Extract<Selector, { eids: string[] }> => Array.isArray((s as { eids?: unknown }).eids);
export const selectsOperation = (s: Selector): s is Extract<Selector, { operation: string }> => typeof (s as { operation?: unknown }).operation === 'string';
