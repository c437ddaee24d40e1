import type { MnoFaults } from '../infra/local/mno-simulators/index.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import type { HttpClient } from './command-http.ts';
import { cascadeTenant, executionOf, outcomeOf, publish, readCascade, setDraft, type CascadeOutcome } from './cascade-fleet.ts';
import { CASCADE_DEFINITION } from '../manifest/cascade-workflow.ts';
import { directMnos, mapMakespan, slowestMno, takePolicy } from './cascade-floor.ts';
import { probeReading, resetProbe, type ProbeReading } from './cascade-probe.ts';
import { median } from './stats.ts';
import { profiled } from './cpu-profile.ts';

/**
 * One cascade to every bench MNO, timed from POST …/publish to the end of its execution on the
 * local engine (exact, no polling), with 20% transient failures and without; beside the floor:
 * the slowest MNO taking the policy directly through its adapter, alone, at the same latency.
 */
export const LATENCY_MS = 20;
export const ERROR_RATE = 0.2;
/** Replaces the ASL's retry intervals (1 s × 2^n, full jitter) and WaitForJob's 2 s; the definition is unchanged. */
export const PAUSE_MS = 50;

type Condition = 'failures' | 'clean';
interface Sample {
  condition: Condition;
  rep: number;
  ms: number;
  /** From POST …/publish to the execution's start: the command, the stream, the forwarder, the bus and its rule. */
  startMs: number;
  /** When POST …/publish was sent (performance.now, as the probe's task runs). */
  publishedAt: number;
  execution: string;
  outcome: CascadeOutcome;
  /** CMP API calls the MNOs received during the cascade. */
  mnoCalls: number;
  probe: ProbeReading;
}

const faultsFor = (condition: Condition, rep: number, i: number): MnoFaults =>
  condition === 'failures' ? { latencyMs: LATENCY_MS, errorRate: ERROR_RATE, seed: 1000 * (rep + 1) + i } : { latencyMs: LATENCY_MS };

export const singleCascade = async (runtime: Runtime, client: HttpClient, specs: readonly SimulatedMno[], reps: number, log: (m: string) => void) => {
  const sims = specs.map((s) => runtime.simulators.get(s.id)!);
  const calls = () => sims.reduce((sum, s) => sum + s.state().calls, 0);
  const token = await cascadeTenant(runtime, client, 'bench-cascade', specs.map((s) => s.id));
  let version = 0;

  const WARM_UPS = 4;
  const run = async (condition: Condition, rep: number): Promise<Sample> => {
    sims.forEach((sim, i) => sim.setFaults(faultsFor(condition, rep, i)));
    await setDraft(client, token, 'fleet', ++version);
    resetProbe();
    const calls0 = calls();
    const t0 = process.hrtime.bigint();
    const publishedAt = performance.now();
    const wall0 = Date.now();
    const execution = await executionOf(runtime, await publish(client, token, 'fleet'));
    const startMs = execution.startDate.getTime() - wall0;
    await execution.done;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const mnoCalls = calls() - calls0;
    const probe = probeReading(1);
    const outcome = outcomeOf(await readCascade(client, token, execution.name));
    return { condition, rep, ms, startMs, publishedAt, execution: execution.status, outcome, mnoCalls, probe };
  };

  // Warm-up, not measured: the workflow handlers' first import, the adapters' tokens, and DynamoDB Local's JIT (a fresh one answers
  // its first few thousand calls several times slower; AWS's DynamoDB has no such start). Both conditions, under seeds the reps do not use.
  for (let warm = 1; warm <= WARM_UPS; warm++) await run(warm % 2 === 1 ? 'clean' : 'failures', -warm);
  const samples: Sample[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order: Condition[] = rep % 2 === 0 ? ['failures', 'clean'] : ['clean', 'failures'];
    for (const condition of order) {
      const s = await run(condition, rep);
      samples.push(s);
      log(`cascade ${condition} ${rep + 1}/${reps}: ${s.ms.toFixed(0)} ms, ${s.outcome.status}, attempts ${s.outcome.attempts}, conflicts ${s.probe.store.cascade!.conflicts}`);
    }
  }

  // BENCH_CPU_PROFILE: one more clean cascade, not measured, under the CPU profiler (this process: the engine, the task handlers, the simulated MNOs).
  const profileDir = process.env.BENCH_CPU_PROFILE;
  if (profileDir) log(`profiled: ${await profiled(profileDir, 'cascade-clean', () => run('clean', reps))}`);

  sims.forEach((sim) => sim.setFaults({ latencyMs: LATENCY_MS }));
  const direct = directMnos(specs, runtime.simulators);
  const floor = await slowestMno(direct, 3, PAUSE_MS);
  // Not a floor of the table (the is the slowest MNO without faults): the same, through the faults each repetition seeded, handled as the workflow handles them.
  const throughFaults: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const perMno: number[] = [];
    for (const [i, mno] of direct.entries()) {
      sims[i]!.setFaults(faultsFor('failures', rep, i));
      const t0 = process.hrtime.bigint();
      await takePolicy(mno, 'bench-floor.faults', 1000 + rep, PAUSE_MS);
      perMno.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    throughFaults.push(Math.max(...perMno));
  }
  sims.forEach((sim) => sim.setFaults({ latencyMs: LATENCY_MS }));
  const maxConcurrency = CASCADE_DEFINITION.States.ApplyToEachMno.MaxConcurrency;
  const scheduled = mapMakespan(specs.map((s) => floor.perMno[s.id]!), maxConcurrency);
  const styleOf = new Map(specs.map((s) => [s.id, s.style]));
  const of = (c: Condition) => samples.filter((s) => s.condition === c);
  const sum = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0);
  const summary = (c: Condition) => ({
    medianMs: median(of(c).map((s) => s.ms)),
    startMedianMs: median(of(c).map((s) => s.startMs)),
    statuses: of(c).map((s) => s.outcome.status),
    attempts: of(c).map((s) => s.outcome.attempts),
    retriedTargets: of(c).map((s) => s.outcome.retriedTargets),
    mnoCalls: of(c).map((s) => s.mnoCalls),
    cascadeStreamConflicts: of(c).map((s) => s.probe.store.cascade!.conflicts),
    /** Failed task invocations the engine retried (ApplyToMno's also count as attempts; PollJob's and VerifyOnMno's do not). */
    taskErrors: of(c).map((s) => Object.fromEntries(Object.entries(s.probe.tasks).map(([state, t]) => [state, sum(t.errors)]).filter(([, n]) => n))),
    errors: [...new Set(of(c).flatMap((s) => s.outcome.errors.map((e) => `${styleOf.get(e.slice(0, e.indexOf(':')))}: ${e.slice(e.indexOf(':') + 2).replace(/bench-mno-\d+ /g, '')}`)))],
  });
  return {
    mnos: specs.length,
    latencyMs: LATENCY_MS,
    errorRate: ERROR_RATE,
    pauseMs: PAUSE_MS,
    failures: summary('failures'),
    clean: summary('clean'),
    floor: { ...floor, maxConcurrency, scheduledMs: scheduled, throughFaults: { perRepMs: throughFaults, medianMs: median(throughFaults) } },
    samples,
  };
};
export type SingleCascade = Awaited<ReturnType<typeof singleCascade>>;
