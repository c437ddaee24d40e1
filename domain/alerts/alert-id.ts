import * as z from '../zod-mini.ts';
import { ALERT_KINDS } from '../signals/alert-kinds.ts';

/**
 * What an alert is about: a SIM (its EID), or one of the enterprise's policies at one MNO (policy
 * drift), keyed `policy.<policy id>.<mno id>` (neither id holds a dot).
 */
export type AlertSubject = { eid: string } | { policyId: string; mno: string };
export const subjectKey = (s: AlertSubject) => ('eid' in s ? s.eid : `policy.${s.policyId}.${s.mno}`);
const SUBJECT = /^(?:\d{32}|policy\.[a-z0-9][a-z0-9-]{1,62}\.[a-z0-9][a-z0-9-]{1,39})$/;

/** An alert's id: its kind, its subject, and which of that subject's alerts of that kind it is. */
export const AlertId = z.string().check(z.regex(/^alert-[a-z-]+-(?:\d{32}|policy\.[a-z0-9.-]+)-\d{1,9}$/, 'not an alert id'));
export const alertIdOf = (kind: string, subject: string, seq: number) => `alert-${kind}-${subject}-${seq}`;
/** The kind, subject and number an alert id names (undefined: not an alert id). */
export const parseAlertId = (alertId: string) => {
  const kind = [...ALERT_KINDS].sort((a, b) => b.length - a.length).find((k) => alertId.startsWith(`alert-${k}-`));
  const m = kind && /^(.+)-(\d{1,9})$/.exec(alertId.slice(`alert-${kind}-`.length));
  return kind && m && SUBJECT.test(m[1]!) ? { kind, subject: m[1]!, seq: Number(m[2]) } : undefined;
};
