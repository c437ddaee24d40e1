import type { Signal } from '../../domain/signals/signals.ts';
import type { UsageFacts } from '../../domain/signals/detectors.ts';
import type { UsageTotals } from './ports.ts';

/** The month and day a record falls in (UTC): `2026-12`, `05`. */
export const periodOf = (at: string) => ({ month: at.slice(0, 7), day: at.slice(8, 10) });

/**
 * What one SIM's signals of a batch add to its counters, per day: bytes from usage records (flows
 * describe where traffic went, usage records how much: counting both would count it twice), SMS
 * from SMS records (both directions, as operators bill them).
 */
export const usageOf = (signals: readonly Signal[]) => {
  const days = new Map<string, { month: string; day: string; bytes: number; sms: number }>();
  for (const s of signals) {
    if (s.kind !== 'usage' && s.kind !== 'sms') continue;
    const { month, day } = periodOf(s.at);
    const entry = days.get(`${month}-${day}`) ?? { month, day, bytes: 0, sms: 0 };
    if (s.kind === 'usage') entry.bytes += s.bytes;
    else entry.sms += 1;
    days.set(`${month}-${day}`, entry);
  }
  return [...days.values()];
};

/** The detectors' view of a month's totals on `day`: this cycle, today, and the earlier days of the month (oldest first). */
export const usageFacts = (totals: UsageTotals, day: string): UsageFacts => ({
  cycleBytes: totals.bytes,
  cycleSms: totals.sms,
  todayBytes: totals.days[day] ?? 0,
  pastDays: Object.keys(totals.days)
    .filter((d) => d < day)
    .sort()
    .map((d) => totals.days[d]!),
});
