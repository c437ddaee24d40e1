import * as z from '../../domain/zod-mini.ts';
import { Eid } from '../../domain/identifiers/index.ts';

/**
 * A SIM's month of usage as the API answers it (the OpenAPI document's, and the view's return
 * type). Not bundled into a function: the view imports only its type.
 */
const Count = z.int().check(z.nonnegative());

export const Usage = z.strictObject({
  eid: Eid,
  /** The billing cycle: a calendar month, UTC (`YYYY-MM`). */
  month: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/)),
  bytes: Count,
  sms: Count,
  byMno: z.record(z.string(), z.strictObject({ bytes: Count, sms: Count })),
  /** Bytes per day of the month (`"05"`), in day order. */
  days: z.record(z.string(), Count),
  /** The enterprise policy's caps; null where it sets none. */
  caps: z.strictObject({ dataBytes: z.nullable(z.int()), sms: z.nullable(z.int()) }),
  /** The fraction of each cap used (four decimals); null where there is no cap. */
  used: z.strictObject({ data: z.nullable(z.number()), sms: z.nullable(z.number()) }),
  overCap: z.boolean(),
});
