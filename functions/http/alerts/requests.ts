import * as z from '../../../domain/zod-mini.ts';
import { ALERT_SORT_KEY } from '../../../adapters/read-models/cursors.ts';
import { Eid } from '../../../domain/identifiers/index.ts';
import { ALERT_KINDS } from '../../../domain/signals/alert-kinds.ts';
import { cursorParam } from '../cursor.ts';
import { positiveInteger } from '../integers.ts';

/** GET /v1/alerts: filters, a page size and where the last page ended. */
export const AlertsQuery = z.object({
  status: z.optional(z.enum(['open', 'acknowledged', 'resolved'])),
  kind: z.optional(z.enum(ALERT_KINDS)),
  eid: z.optional(Eid),
  limit: z._default(positiveInteger(100), 20),
  cursor: cursorParam(ALERT_SORT_KEY, 300),
});
