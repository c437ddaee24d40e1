import { DEFAULT_HEALTH_CHECKS } from '../infra/local/regions/front.ts';
import { DEFAULT_REPLICATION_LAG_MS } from '../infra/local/regions/stores.ts';
import { runChaos, type ChaosFigures } from '../test/support/chaos.ts';
import { figure, type Aim, type Figure } from './report.ts';

/**
 * Two regions (issue 13): the chaos run (test/support/chaos.ts) in each consistency mode with the
 * front's default health checks (every 5 s, 3 failures), 8 writers through the front, the primary
 * failed midway, then recovered. Figures beside their floors from the same run:
 * - RTO (failure → first write accepted through the front) beside the least the health checks
 *   need to fail over (3 × 5 s); aim ≤ 30 s.
 * - RPO in eventual mode: the replication lag measured (a write to one region until the other has
 *   it) beside the lag configured (1 s); the writes the survivor lacked at the failover are printed.
 * - Writes refused during the failover window beside the writers (each loses at least the request
 *   the failed region holds).
 */
export const regionFigures = async (log: (message: string) => void) => {
  const runs: ChaosFigures[] = [];
  for (const mode of ['strong', 'eventual'] as const) {
    log(`regions: chaos run, ${mode} consistency, default health checks`);
    runs.push(await runChaos({ mode, health: DEFAULT_HEALTH_CHECKS, replicationLagMs: DEFAULT_REPLICATION_LAG_MS }));
  }
  const detectionFloor = DEFAULT_HEALTH_CHECKS.failureThreshold * DEFAULT_HEALTH_CHECKS.intervalMs;
  const [strong, eventual] = runs as [ChaosFigures, ChaosFigures];
  const figures: Figure[] = [
    figure('RTO through the front, strong', 'ms', strong.rtoMs, detectionFloor),
    figure('RTO through the front, eventual', 'ms', eventual.rtoMs, detectionFloor),
    figure('replication lag (RPO), eventual', 'ms', eventual.replicationLagMs!, DEFAULT_REPLICATION_LAG_MS),
    figure('writes refused in the failover, strong', 'calls', strong.refused, strong.writers),
    figure('writes refused in the failover, eventual', 'calls', eventual.refused, eventual.writers),
  ];
  const absolute = (name: string, value: number, limit: number): Aim => ({ aim: `${name} ≤ ${limit}`, ratio: limit === 0 ? (value === 0 ? 0 : Number.POSITIVE_INFINITY) : value / limit, limit: 1, met: value <= limit });
  const aims: Aim[] = [
    absolute('RTO through the front with default health checks, strong (s)', strong.rtoMs / 1000, 30),
    absolute('RTO through the front with default health checks, eventual (s)', eventual.rtoMs / 1000, 30),
    absolute('acknowledged writes lost, strong', strong.lostAtFailover, 0),
    absolute('acknowledged writes lost once the region is back, eventual', eventual.lostAfterRecovery, 0),
    absolute('events never delivered, strong', strong.undelivered, 0),
    absolute('events never delivered, eventual', eventual.undelivered, 0),
    absolute('cascades left running, strong (-1: not read)', Math.abs(strong.cascadesLeftRunning), 0),
  ];
  const print = () => {
    for (const r of runs)
      console.log(
        `regions (${r.mode}): ${r.acknowledged} writes acknowledged, ${r.refused} refused, RTO ${(r.rtoMs / 1000).toFixed(1)} s; acknowledged writes the survivor lacked at the failover ${r.lostAtFailover}, after the recovery ${r.lostAfterRecovery}; ${r.events} events, ${r.undelivered} undelivered, ${r.repeats} delivered twice (receivers drop them by webhook-id); cascades left running ${r.cascadesLeftRunning}; lease ${r.lease?.owner} token ${r.lease?.token}; conflicts seen ${r.conflicts.detected}, recorded ${r.conflicts.recorded}${r.replicationLagMs !== undefined ? `; replication lag ${r.replicationLagMs} ms` : ''}`,
      );
  };
  return { figures, aims, results: { runs }, print };
};
