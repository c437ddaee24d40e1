import * as z from '../../domain/zod-mini.ts';
import { ALERT_KINDS, RESPONSES } from '../../domain/signals/alert-kinds.ts';
import { Evidence } from '../../domain/alerts/events.ts';

/**
 * The alerts as the API answers them (the OpenAPI document's, and the views' return types). Not
 * bundled into a function: the views import only their types.
 */
const Person = z.strictObject({ by: z.string(), reason: z.optional(z.string()) });

export const AlertSummary = z.strictObject({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  eid: z.optional(z.string()),
  iccid: z.optional(z.string()),
  policyId: z.optional(z.string()),
  mno: z.string(),
  count: z.int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  response: z.enum(RESPONSES),
  contained: z.boolean(),
  acknowledged: z.optional(Person),
  resolved: z.optional(Person),
});

export const AlertDetail = z.extend(AlertSummary, { evidence: z.strictObject({ first: Evidence, last: Evidence }) });

export const AlertPage = z.strictObject({
  items: z.array(z.extend(AlertSummary, { version: z.int() })),
  nextCursor: z.optional(z.string()),
});
