import * as z from '../../../domain/zod-mini.ts';
import { BULK_SORT_KEY } from '../../../adapters/read-models/cursors.ts';
import { cursorParam } from '../cursor.ts';
import { positiveInteger } from '../integers.ts';

/**
 * The bulk operations' request schemas (queries; the body of a start is the domain's BulkRequest):
 * the handlers parse with them and the OpenAPI document describes them. Reads no environment.
 */

/** An item's place in the manifest, as `nextCursor` gives it (opaque to clients). */
const ITEM_KEY = /^c#\d{7}#\d{32}$/;

/** GET /v1/bulk-operations/{bulkId}: the items of one outcome, a page size (`0`: counts only) and where the last page ended. */
export const ItemsQuery = z.object({
  outcome: z.optional(z.enum(['pending', 'succeeded', 'failed', 'skipped'])),
  limit: z._default(z.pipe(z.union([z.literal('0'), positiveInteger(500)]), z.transform(Number)), 50),
  cursor: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[A-Za-z0-9_-]{1,100}$/, 'not a cursor this API gave')),
      z.transform((c) => Buffer.from(c, 'base64url').toString()),
    ).check(z.refine((key) => ITEM_KEY.test(key), 'not a cursor this API gave')),
  ),
});

/** GET /v1/bulk-operations: a status, a page size and where the last page ended. */
export const ListQuery = z.object({
  status: z.optional(z.enum(['running', 'succeeded', 'partial', 'failed', 'cancelled'])),
  limit: z._default(positiveInteger(100), 20),
  cursor: cursorParam(BULK_SORT_KEY),
});
