import * as z from '../zod-mini.ts';
import { Eid, Iccid } from '../identifiers/index.ts';
import { ALERT_KINDS, RESPONSES } from '../signals/alert-kinds.ts';

export const AlertKind = z.enum(ALERT_KINDS);

export { AlertId, alertIdOf, parseAlertId, subjectKey, type AlertSubject } from './alert-id.ts';
import { AlertId } from './alert-id.ts';
import { lazySchemas } from '../events.ts';

/** What shows it: figures and the signal's fields (no raw record is kept beyond this). */
export const Evidence = z.record(z.string(), z.union([z.string().check(z.maxLength(300)), z.number()]));
const Who = z.object({ by: z.string().check(z.minLength(1), z.maxLength(200)), reason: z.optional(z.string().check(z.maxLength(500))) });

/**
 * A subject's alerts of one kind (stream `T#<tenant>#ALERT#<subject>:<kind>`): at most one open (or
 * acknowledged) at a time; what is detected again meanwhile repeats it (count, last seen) rather
 * than raising another. `response` is what the policy asked for when it was raised; `Contained`
 * records that it was carried out (the SIM's own event says how).
 */
export const AlertEvents = lazySchemas({
  /** `eid` and `iccid` for a SIM's alert; `policyId` for a policy's at an MNO. */
  SecurityAlertRaised: () => z.object({
    alertId: AlertId,
    kind: AlertKind,
    eid: z.optional(Eid),
    iccid: z.optional(Iccid),
    policyId: z.optional(z.string()),
    mno: z.string(),
    evidence: Evidence,
    count: z.optional(z.int().check(z.positive())),
    response: z.optional(z.enum(RESPONSES)),
    at: z.iso.datetime(),
  }),
  SecurityAlertRepeated: () => z.object({ alertId: AlertId, evidence: Evidence, count: z.optional(z.int().check(z.positive())), at: z.iso.datetime() }),
  SecurityAlertContained: () => z.object({ alertId: AlertId, response: z.enum(RESPONSES) }),
  SecurityAlertAcknowledged: () => z.extend(Who, { alertId: AlertId }),
  SecurityAlertResolved: () => z.extend(Who, { alertId: AlertId }),
});

type Defs = typeof AlertEvents;
export type AlertEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
