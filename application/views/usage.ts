import { MB } from '../../domain/signals/detectors.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import type { UsageTotals } from '../signals/ports.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { Usage } from './usage.schema.ts';

const fraction = (used: number, cap: number | undefined) => (cap === undefined ? null : Math.round((used / cap) * 10_000) / 10_000);

/** A SIM's month of usage as the API shows it: totals, per MNO, per day, and against the policy's caps. */
export const usageView = (eid: string, month: string, totals: UsageTotals | undefined, caps: PolicyDocument['caps'] | undefined): z.output<typeof Usage> => {
  const t = totals ?? { bytes: 0, sms: 0, byMno: {}, days: {} };
  const capBytes = caps?.dataMbPerMonth === undefined ? undefined : caps.dataMbPerMonth * MB;
  return {
    eid,
    month,
    bytes: t.bytes,
    sms: t.sms,
    byMno: t.byMno,
    days: Object.fromEntries(Object.entries(t.days).sort(([a], [b]) => a.localeCompare(b))),
    caps: { dataBytes: capBytes ?? null, sms: caps?.smsPerMonth ?? null },
    used: { data: fraction(t.bytes, capBytes), sms: fraction(t.sms, caps?.smsPerMonth) },
    overCap: (capBytes !== undefined && t.bytes > capBytes) || (caps?.smsPerMonth !== undefined && t.sms > caps.smsPerMonth),
  };
};
