import * as z from '../../../domain/zod-mini.ts';
import { CASCADE_SORT_KEY } from '../../../adapters/read-models/cursors.ts';
import { cursorParam } from '../cursor.ts';
import { positiveInteger } from '../integers.ts';

/** GET /v1/cascades: a status filter, a page size and where the last page ended. */
export const CascadesQuery = z.object({
  status: z.optional(z.enum(['running', 'succeeded', 'partial', 'failed', 'superseded'])),
  limit: z._default(positiveInteger(100), 20),
  cursor: cursorParam(CASCADE_SORT_KEY),
});
