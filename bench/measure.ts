import { summarize, type LatencySummary } from './stats.ts';

/** One operation under test: a command, or the floor's Query + PutItem. */
export type Op = () => Promise<void>;

export interface SequentialResult extends LatencySummary {
  opsPerSec: number;
  /** Node CPU (user + system, this process only) per operation, in microseconds. */
  cpuUsPerOp: number;
}

export interface ConcurrentResult {
  n: number;
  concurrency: number;
  opsPerSec: number;
  cpuUsPerOp: number;
}

const cpuUs = (d: NodeJS.CpuUsage) => d.user + d.system;

/** Runs `op` n times one after another: per-call latency, throughput and CPU per call. */
export const sequential = async (op: Op, n: number): Promise<SequentialResult> => {
  const samples = new Array<number>(n);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await op();
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = cpuUs(process.cpuUsage(cpu0));
  return { ...summarize(samples), opsPerSec: n / (wallNs / 1e9), cpuUsPerOp: cpu / n };
};

/**
 * `concurrency` workers, each with its own operation (its own streams), share n calls between
 * them: aggregate throughput and CPU per call.
 */
export const concurrent = async (makeOp: () => Op, n: number, concurrency: number): Promise<ConcurrentResult> => {
  const ops = Array.from({ length: concurrency }, makeOp);
  let left = n;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    ops.map(async (op) => {
      while (left > 0) {
        left--;
        await op();
      }
    }),
  );
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = cpuUs(process.cpuUsage(cpu0));
  return { n, concurrency, opsPerSec: n / (wallNs / 1e9), cpuUsPerOp: cpu / n };
};

/** Runs `work` for each item with at most `concurrency` in flight (for seeding, not measuring). */
export const forEachConcurrently = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};
