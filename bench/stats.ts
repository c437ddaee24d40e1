/** Latency samples in nanoseconds (bigint deltas of process.hrtime.bigint) reduced to the figures we report. */

/** Nearest-rank percentile of already sorted samples. */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface LatencySummary {
  n: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export const summarize = (samplesNs: readonly number[]): LatencySummary => {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const ms = (ns: number) => ns / 1e6;
  return {
    n: sorted.length,
    p50Ms: ms(percentile(sorted, 50)),
    p99Ms: ms(percentile(sorted, 99)),
    meanMs: ms(sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)),
    maxMs: ms(sorted.at(-1) ?? Number.NaN),
  };
};
