import { z } from 'zod';
import { Eid, Iccid } from '../identifiers/index.ts';
import { ALERT_KINDS } from '../signals/detectors.ts';

export const AlertKind = z.enum(ALERT_KINDS);

/** An alert's id: its kind, its SIM, and which of that SIM's alerts of that kind it is. */
export const AlertId = z.string().regex(/^alert-[a-z-]+-\d{32}-\d{1,9}$/, 'not an alert id');
export const alertIdOf = (kind: string, eid: string, seq: number) => `alert-${kind}-${eid}-${seq}`;

const Evidence = z.record(z.string(), z.union([z.string().max(300), z.number()]));
const Who = z.object({ by: z.string().min(1).max(200), reason: z.string().max(500).optional() });

/**
 * A SIM's alerts of one kind (stream `T#<tenant>#ALERT#<eid>#<kind>`): at most one open at a time;
 * what is detected again while it is open repeats it (count, last seen) rather than raising another.
 */
export const AlertEvents = {
  SecurityAlertRaised: z.object({ alertId: AlertId, kind: AlertKind, eid: Eid, iccid: Iccid, evidence: Evidence, at: z.iso.datetime() }),
  SecurityAlertRepeated: z.object({ alertId: AlertId, evidence: Evidence, at: z.iso.datetime() }),
  SecurityAlertAcknowledged: Who.extend({ alertId: AlertId }),
  SecurityAlertResolved: Who.extend({ alertId: AlertId }),
} as const;

type Defs = typeof AlertEvents;
export type AlertEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
