import * as z from '../zod-mini.ts';

/** A bulk operation's id, chosen by the API when it starts. */
export const BulkId = z.string().check(z.regex(/^bulk-[a-z0-9]{8,40}$/, 'not a bulk operation id'));
