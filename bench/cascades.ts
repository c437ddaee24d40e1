import { CASCADE_TASKS } from '../manifest/cascade-workflow.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import { httpClient } from './command-http.ts';
import { cascadeBurst, type CascadeBurst } from './cascade-burst.ts';
import { installProbe } from './cascade-probe.ts';
import { PAUSE_MS, singleCascade, type SingleCascade } from './cascade-single.ts';
import { aim, atLeast, atMost, figure, type Aim, type Figure } from './report.ts';
import { median } from './stats.ts';

/**
 * The cascade figures of `npm run bench`, run after the command figures on the same runtime
 * (started with the bench MNOs and these engine overrides; idle until now).
 */
export const CASCADE_ENGINE_OVERRIDES = {
  retryIntervalOverrides: Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, PAUSE_MS])),
  waitTimeOverrides: { WaitForJob: PAUSE_MS, BackOffBeforeResubmit: PAUSE_MS },
};

export const cascadeFigures = async (
  runtime: Runtime,
  specs: readonly SimulatedMno[],
  options: { reps: number; tenants: number; perTenant: number; rounds: number },
  log: (m: string) => void,
) => {
  await installProbe(runtime);
  const client = httpClient(runtime.url, 2 * options.tenants);
  try {
    const single = await singleCascade(runtime, client, specs, options.reps, log);
    const burst = await cascadeBurst(runtime, client, specs, options, log);
    const n = specs.length;
    const clean = single.samples.filter((s) => s.condition === 'clean').map((s) => callsOf(s.probe));
    const perTarget = (pick: (c: { calls: number; commits: number }) => number) => median(clean.map(pick)) / n;
    const figures: Figure[] = [
      figure(`cascade to ${n} MNOs, ${single.errorRate * 100}% transient failures`, 'ms', single.failures.medianMs, single.floor.slowestMs),
      figure(`cascade to ${n} MNOs, no failures`, 'ms', single.clean.medianMs, single.floor.slowestMs),
      figure(`cascades/s, ${burst.tenants} published at once (${burst.perTenant} MNOs each)`, 'cascades/s', burst.cascadesPerSec, burst.floorAppliesPerSec / burst.perTenant),
      figure(`MNO applies/s in those cascades`, 'applies/s', burst.appliesPerSec, burst.floorAppliesPerSec),
      figure(`DynamoDB calls per MNO target, clean cascade (floor: its commits)`, 'calls', perTarget((c) => c.calls), perTarget((c) => c.commits)),
    ];
    const aims: Aim[] = [
      aim('cascade to 20 MNOs, no failures', figures[1]!, 1.5),
      aim('cascade to 20 MNOs, 20% transient failures', figures[0]!, 2.5),
      atLeast('cascades/s', figures[2]!, 0.5),
      atMost('DynamoDB calls per MNO target', figures[4]!, 6),
    ];
    return { figures, aims, single, burst };
  } finally {
    client.close();
  }
};

const list = (xs: readonly unknown[]) => xs.join(' ');
type Reading = SingleCascade['samples'][number]['probe'];
const sumOf = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0);
/** Every DynamoDB call the cascade's steps made, and the commits they appended (each one conditional PutItem: the floor). */
export const callsOf = (reading: Reading) => {
  const all = Object.values(reading.store);
  return { calls: all.reduce((sum, c) => sum + c.queries + c.puts + sumOf(c.others), 0), commits: all.reduce((sum, c) => sum + c.puts - c.conflicts, 0) };
};
const ops = (reading: Reading) => {
  const all = Object.values(reading.store);
  const n = all.reduce((sum, c) => sum + c.queries + c.puts, 0);
  const ms = all.reduce((sum, c) => sum + c.queries * c.queryMsMean + c.puts * c.putMsMean, 0);
  const others: Record<string, number> = {};
  for (const c of all) for (const [k, v] of Object.entries(c.others)) others[k] = (others[k] ?? 0) + v;
  const rest = Object.entries(others).map(([k, v]) => `${Math.round(v)} ${k}`).join(', ');
  return `${Math.round(n)} Query/PutItem (mean ${(ms / n).toFixed(1)} ms)${rest ? ` and ${rest}` : ''}, ${reading.store.cascade!.conflicts} VersionConflicts on the cascade's streams`;
};

const SHORT: Record<string, string> = { PlanCascade: 'plan', ApplyToMno: 'apply', PollJob: 'poll', VerifyOnMno: 'verify', RecordFailure: 'record-failure', CompleteCascade: 'complete' };

/**
 * The path that decided a cascade's time: its slowest target's task runs (the target whose last run
 * ended last) between planning and completion, in ms from POST …/publish; the gaps between runs
 * are the workflow's Wait states and the engine.
 */
export const criticalPath = (sample: SingleCascade['samples'][number]) => {
  const { runs } = sample.probe;
  const at = (t: number) => (t - sample.publishedAt).toFixed(0);
  const show = (r: (typeof runs)[number]) => `${SHORT[r.state] ?? r.state} ${at(r.t0)}–${at(r.t1)}${r.error ? ` (${r.error})` : ''}`;
  const ends = new Map<string, number>();
  for (const r of runs) if (r.mno) ends.set(r.mno, Math.max(ends.get(r.mno) ?? 0, r.t1));
  const [slowest] = [...ends].sort((a, b) => b[1] - a[1])[0] ?? [];
  const path = [...runs.filter((r) => !r.mno && r.state !== 'CompleteCascade'), ...runs.filter((r) => r.mno === slowest), ...runs.filter((r) => r.state === 'CompleteCascade')];
  return `its critical path, ms from POST …/publish: execution started ${sample.startMs.toFixed(0)}; ${path.map(show).join(', ')} (${slowest ?? 'no target'}); done ${sample.ms.toFixed(0)}`;
};

/** What the table cannot say: the settings, the outcomes, and where the cascade's time went. */
export const printCascadeNotes = (specs: readonly SimulatedMno[], single: SingleCascade, burst: CascadeBurst) => {
  const { floor } = single;
  const style = new Map(specs.map((s) => [s.id, s.style]));
  const byStyle = (st: string) => Math.max(...specs.filter((s) => s.style === st).map((s) => floor.perMno[s.id]!)).toFixed(0);
  console.log();
  console.log(
    `cascade settings: ${single.mnos} simulated MNOs (10 rest-oauth2, 6 async-jobs, 4 legacy-ratelimited, all capabilities), ${single.latencyMs} ms per CMP call, ` +
      `${single.errorRate * 100}% transient errors seeded per MNO and repetition. Engine overrides: every Retry interval ${single.pauseMs} ms (fixed: no backoff, no jitter), ` +
      `WaitForJob ${single.pauseMs} ms — instead of the ASL's 1 s × 2^n with full jitter and 2 s: the figures are the workflow's own cost plus the MNOs' latency, not production backoff. ` +
      `Timed from POST …/publish to the end of the engine's execution; median of ${single.failures.statuses.length}, after 4 cascades not measured (the handlers' first import, DynamoDB Local's JIT).`,
  );
  console.log(
    `cascade floor: each MNO alone through its adapter (apply, poll every ${single.pauseMs} ms until done, read back), median of 3; slowest ${floor.slowest} (${style.get(floor.slowest)}) ${floor.slowestMs.toFixed(0)} ms; ` +
      `slowest per style: rest-oauth2 ${byStyle('rest-oauth2')} ms, async-jobs ${byStyle('async-jobs')} ms, legacy ${byStyle('legacy-ratelimited')} ms. ` +
      `Those floors scheduled as the Map runs them (target order, MaxConcurrency ${floor.maxConcurrency}): ${floor.scheduledMs.toFixed(0)} ms. ` +
      `The slowest MNO alone through the faults each repetition seeded (calls asked again, failed jobs submitted again, ${single.pauseMs} ms apart, as the workflow does; not the table's floor): ` +
      `${list(floor.throughFaults.perRepMs.map((x) => x.toFixed(0)))} ms, median ${floor.throughFaults.medianMs.toFixed(0)} ms; the cascade with failures is ${(single.failures.medianMs / floor.throughFaults.medianMs).toFixed(2)}× that.`,
  );
  for (const c of ['failures', 'clean'] as const) {
    const s = single[c];
    console.log(
      `${c === 'failures' ? 'with failures' : 'no failures  '}: status ${list(s.statuses)}; attempts ${list(s.attempts)}; targets retried ${list(s.retriedTargets)}; ` +
        `failed task runs ${list(s.taskErrors.map((e) => Object.entries(e).map(([k, v]) => `${k}:${v}`).join(',') || '0'))}; MNO calls ${list(s.mnoCalls)}; cascade-streams VersionConflicts ${list(s.cascadeStreamConflicts)}`,
    );
    for (const e of s.errors) console.log(`  left failed: ${e}`);
  }
  const sample = single.samples.filter((x) => x.condition === 'clean').sort((a, b) => a.ms - b.ms)[Math.floor(single.clean.statuses.length / 2)]!;
  const c = sample.probe.store.cascade!;
  console.log(
    `where a clean cascade's ${sample.ms.toFixed(0)} ms go: ${sample.startMs.toFixed(0)} ms until its execution started (the publish command, the stream poller, the forwarder, the bus and its rule; median of the clean ones ${single.clean.startMedianMs.toFixed(0)} ms); ${ops(sample.probe)}; cascade streams (its own and its targets') ${c.queries} Query (${c.itemsPerQuery} commits each) and ${c.puts} PutItem ` +
      `for ${c.puts - c.conflicts} commits; MNO streams ${sample.probe.store.mno!.queries} Query, policy ${sample.probe.store.policy!.queries}. ` +
      `Task runs: ${Object.entries(sample.probe.tasks).map(([state, t]) => `${state} ${t.calls}× ${t.msMean} ms`).join(', ')}`,
  );
  console.log(`  ${criticalPath(sample)}`);
  const mid = burst.rows.map((r) => r.probe)[Math.floor(burst.rows.length / 2)]!;
  console.log(
    `burst: ${burst.tenants} tenants × ${burst.perTenant} MNOs, latency ${burst.latencyMs.join('–')} ms, no faults; statuses ${list([...new Set(burst.rows.flatMap((r) => r.statuses))])}; ` +
      `verified ${list(burst.rows.map((r) => r.verified))}; wall ${list(burst.rows.map((r) => r.ms.toFixed(0)))} ms; ` +
      `floor: the same ${burst.tenants * burst.perTenant} (profile, MNO) takes through the adapters at once (apply, poll, read back), as applies/s and ÷ ${burst.perTenant} as cascades/s; per cascade ${ops(mid)}; ` +
      `task runs: ${Object.entries(mid.tasks).map(([state, t]) => `${state} ${t.calls}× ${t.msMean} ms`).join(', ')}`,
  );
};
