import type { UsageCount, UsageCounters, UsageTotals } from '../../application/signals/ports.ts';

/** Usage counters in memory, for the unit tier: what the DynamoDB adapter keeps, in a map. */
export const memoryUsageCounters = (): UsageCounters & { months: Map<string, UsageTotals> } => {
  const months = new Map<string, UsageTotals>();
  const copy = (t: UsageTotals): UsageTotals => structuredClone(t);
  return {
    months,
    async add(c: UsageCount) {
      const key = `${c.tenant}#${c.eid}#${c.month}`;
      const t = months.get(key) ?? { bytes: 0, sms: 0, byMno: {}, days: {} };
      const mno = t.byMno[c.mno] ?? { bytes: 0, sms: 0 };
      const next: UsageTotals = {
        bytes: t.bytes + c.bytes,
        sms: t.sms + c.sms,
        byMno: { ...t.byMno, [c.mno]: { bytes: mno.bytes + c.bytes, sms: mno.sms + c.sms } },
        days: { ...t.days, [c.day]: (t.days[c.day] ?? 0) + c.bytes },
      };
      months.set(key, next);
      return copy(next);
    },
    async read(tenant, eid, month) {
      const t = months.get(`${tenant}#${eid}#${month}`);
      return t && copy(t);
    },
  };
};
