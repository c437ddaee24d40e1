import type { ConcurrentResult, SequentialResult } from './measure.ts';
import { aim, figure, type Aim, type Figure } from './report.ts';
import { median } from './stats.ts';

export type Kind = 'floor' | 'inProcess' | 'http';
export interface KindRound {
  sequential: SequentialResult;
  concurrent: ConcurrentResult;
}
export type Round = Record<Kind, KindRound>;

/** Every figure beside its floor, each the median of its per-round values. */
export const figuresOf = (rounds: readonly Round[]): { figures: Figure[]; aims: Aim[] } => {
  const m = (kind: Kind, pick: (r: KindRound) => number) => median(rounds.map((r) => pick(r[kind])));
  const pair = (name: string, unit: Figure['unit'], kind: Kind, pick: (r: KindRound) => number) =>
    figure(name, unit, m(kind, pick), m('floor', pick));
  const p50 = (r: KindRound) => r.sequential.p50Ms;
  const p99 = (r: KindRound) => r.sequential.p99Ms;
  const cpu = (r: KindRound) => r.sequential.cpuUsPerOp;
  const rate = (r: KindRound) => r.sequential.opsPerSec;
  const rateC = (r: KindRound) => r.concurrent.opsPerSec;
  const cpuC = (r: KindRound) => r.concurrent.cpuUsPerOp;
  const c = rounds[0]?.floor.concurrent.concurrency ?? 0;

  const figures = [
    pair('in-process command p50', 'ms', 'inProcess', p50),
    pair('in-process command p99', 'ms', 'inProcess', p99),
    pair('CPU per command (in-process)', 'µs', 'inProcess', cpu),
    pair('in-process throughput, sequential', 'ops/s', 'inProcess', rate),
    pair(`in-process throughput, concurrency ${c}`, 'ops/s', 'inProcess', rateC),
    pair(`CPU per command (in-process, concurrency ${c})`, 'µs', 'inProcess', cpuC),
    pair('HTTP command p50', 'ms', 'http', p50),
    pair('HTTP command p99', 'ms', 'http', p99),
    pair('CPU per HTTP command (client+gateway+handler)', 'µs', 'http', cpu),
    pair('HTTP throughput, sequential', 'ops/s', 'http', rate),
    pair(`HTTP throughput, concurrency ${c}`, 'ops/s', 'http', rateC),
  ];
  const aims = [aim('in-process p50', figures[0]!, 1.1), aim('CPU per command', figures[2]!, 1.1)];
  return { figures, aims };
};
