import { z } from 'zod';
import { Eid, Iccid } from '../identifiers/index.ts';
import { ALERT_KINDS, RESPONSES } from '../signals/alert-kinds.ts';

export const AlertKind = z.enum(ALERT_KINDS);

/** An alert's id: its kind, its SIM, and which of that SIM's alerts of that kind it is. */
export const AlertId = z.string().regex(/^alert-[a-z-]+-\d{32}-\d{1,9}$/, 'not an alert id');
export const alertIdOf = (kind: string, eid: string, seq: number) => `alert-${kind}-${eid}-${seq}`;
/** The kind, SIM and number an alert id names (undefined: not an alert id). */
export const parseAlertId = (alertId: string) => {
  const m = /^alert-([a-z-]+)-(\d{32})-(\d{1,9})$/.exec(alertId);
  return m && (ALERT_KINDS as readonly string[]).includes(m[1]!) ? { kind: m[1] as (typeof ALERT_KINDS)[number], eid: m[2]!, seq: Number(m[3]) } : undefined;
};

/** What shows it: figures and the signal's fields (no raw record is kept beyond this). */
export const Evidence = z.record(z.string(), z.union([z.string().max(300), z.number()]));
const Who = z.object({ by: z.string().min(1).max(200), reason: z.string().max(500).optional() });

/**
 * A SIM's alerts of one kind (stream `T#<tenant>#ALERT#<eid>:<kind>`): at most one open (or
 * acknowledged) at a time; what is detected again meanwhile repeats it (count, last seen) rather
 * than raising another. `response` is what the policy asked for when it was raised; `Contained`
 * records that it was carried out (the SIM's own event says how).
 */
export const AlertEvents = {
  SecurityAlertRaised: z.object({ alertId: AlertId, kind: AlertKind, eid: Eid, iccid: Iccid, mno: z.string(), evidence: Evidence, count: z.int().positive().optional(), response: z.enum(RESPONSES).optional(), at: z.iso.datetime() }),
  SecurityAlertRepeated: z.object({ alertId: AlertId, evidence: Evidence, count: z.int().positive().optional(), at: z.iso.datetime() }),
  SecurityAlertContained: z.object({ alertId: AlertId, response: z.enum(RESPONSES) }),
  SecurityAlertAcknowledged: Who.extend({ alertId: AlertId }),
  SecurityAlertResolved: Who.extend({ alertId: AlertId }),
} as const;

type Defs = typeof AlertEvents;
export type AlertEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
