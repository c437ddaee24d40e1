import * as z from '../../../domain/zod-mini.ts';
import { Eid, Imei, MnoId } from '../../../domain/identifiers/index.ts';
import { Labels, ProfileInput } from '../../../domain/sim/events.ts';
import { cursorParam } from '../cursor.ts';
import { CANONICAL_POSITIVE_INTEGER, positiveInteger } from '../integers.ts';

/**
 * The SIM routes' request schemas (bodies and queries): the handlers parse with them and the
 * OpenAPI document describes them. Reads no environment.
 */

/** POST /v1/sims: the SIM, its profiles (one to eight), and optionally its IMEI and labels. */
export const RegisterSim = z.strictObject({
  eid: Eid,
  profiles: z.array(ProfileInput).check(z.minLength(1), z.maxLength(8)),
  imei: z.optional(Imei),
  labels: z.optional(Labels),
});

/** GET /v1/sims/{eid}[?at=<RFC 3339>]: the SIM now, or as it was at a time. */
export const SimQuery = z.object({ at: z.optional(z.iso.datetime({ offset: true })) });

/** PUT /v1/sims/{eid}/labels: all of the SIM's labels. */
export const SetLabels = z.strictObject({ labels: Labels });

/** GET /v1/sims/{eid}/events: a page size and the cursor the last page gave. */
export const SimEventsQuery = z.object({
  limit: z._default(positiveInteger(100), 50),
  cursor: z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^[A-Za-z0-9_-]{1,24}$/, 'not a cursor this API gave')),
        z.transform((c) => Buffer.from(c, 'base64url').toString()),
      ).check(z.refine((version) => CANONICAL_POSITIVE_INTEGER.test(version), 'not a cursor this API gave')),
      z.transform(Number),
    ),
  ),
});

/** GET /v1/sims: filters, a page size and where the last page ended. */
export const SimsQuery = z.object({
  state: z.optional(z.enum(['inventory', 'active', 'suspended', 'terminated'])),
  mno: z.optional(MnoId),
  /** SIMs whose enabled profile is on this MNO. */
  enabledOn: z.optional(MnoId),
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** `true`: only SIMs over their data or SMS cap this cycle (an open usage-over-cap alert). */
  overCap: z.optional(z.literal('true', { error: 'overCap is true, or left out' })),
  limit: z._default(positiveInteger(100), 50),
  cursor: cursorParam(/^\d{32}$/, 64),
});

/** `rollback` (default true): if the profile cannot attach in time, the eUICC goes back to the one enabled before. */
export const EnableProfile = z.strictObject({ rollback: z._default(z.boolean(), true) });

/** POST /v1/sims/{eid}/profiles: the MNO to order a profile from. */
export const OrderProfile = z.strictObject({ mno: MnoId });

/** GET /v1/sims/{eid}/usage[?month=YYYY-MM]. */
export const UsageQuery = z.object({ month: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is YYYY-MM'))) });
