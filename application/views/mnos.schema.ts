import * as z from '../../domain/zod-mini.ts';
import { MnoEvents, MnoRegistration } from '../../domain/mno/events.ts';

/**
 * The MNOs as the API answers them (the OpenAPI document's, and the view's return type). Not
 * bundled into a function: the view imports only its type.
 */
const { id, name, plmns, countries, capabilities, api } = MnoRegistration.shape;

const fields = {
  id,
  name,
  plmns,
  countries,
  capabilities,
  api: z.union([api, z.strictObject({ style: api.shape.style })]),
  status: z.enum(['unverified', 'verified', 'quarantined']),
  /** Declared by an operator, or by the health probe (`detectedBy`). */
  outage: z.optional(z.strictObject({ reason: z.string(), detectedBy: z.optional(z.literal('health-probe')) })),
  /** Since when the health probe has failed its CMP without a success in between. */
  probeFailingSince: z.optional(MnoEvents.MnoProbeFailing.shape.since),
  /** Whether it may get new work: verified and not in outage. */
  available: z.boolean(),
  checks: z.optional(MnoEvents.MnoVerified.shape.checks),
  version: z.int(),
};
/**
 * An MNO. A platform admin sees its whole `api` and its security `checks`; anyone else sees only
 * the API's style, and no checks.
 */
export const Mno = z.strictObject(fields);

/** Every registered MNO, in the catalogue's order (all of them: no paging). Its items are a schema of their own, so the document gives them whole rather than as a reference to `Mno`. */
export const MnoList = z.strictObject({ items: z.array(z.strictObject(fields)) });
