import { setTimeout as sleep } from 'node:timers/promises';
import { PolicyDocument } from '../domain/policy/document.ts';
import { compilePolicy } from '../domain/policy/compile.ts';
import type { PolicyRule } from '../domain/policy/rules.ts';
import { MAX_SUBMISSIONS } from '../domain/cascade/process.ts';
import { asyncJobsGateway } from '../adapters/mno-gateways/async-jobs.ts';
import { MnoJobFailed, MnoRateLimited, MnoTransientError, type MnoGateway } from '../application/ports/mno-gateway.ts';
import { legacyRateLimitedGateway } from '../adapters/mno-gateways/legacy-ratelimited.ts';
import { restOauth2Gateway } from '../adapters/mno-gateways/rest-oauth2.ts';
import type { MnoSimulator } from '../infra/local/mno-simulators/index.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import { policyDraft } from './cascade-fleet.ts';
import { median } from './stats.ts';

/**
 * The cascade's floors: what it takes an MNO to take a policy when Switchboard's adapter talks to
 * it directly — no workflow, no event store. The same adapters and simulators the cascade uses.
 */
const ADAPTERS = { 'rest-oauth2': restOauth2Gateway, 'async-jobs': asyncJobsGateway, 'legacy-ratelimited': legacyRateLimitedGateway } as const;

export interface DirectMno {
  id: string;
  gateway: MnoGateway;
  capabilities: readonly PolicyRule[];
}

/** One adapter per simulated MNO, built as the gateway registry builds them (its URL and credentials). */
export const directMnos = (specs: readonly SimulatedMno[], simulators: Map<string, MnoSimulator>): DirectMno[] =>
  specs.map((spec) => {
    const sim = simulators.get(spec.id)!;
    return { id: spec.id, gateway: ADAPTERS[spec.style](spec.id, sim.url, sim.credentials), capabilities: spec.capabilities };
  });

const documents = new Map<number, PolicyDocument>();
const documentOf = (n: number) => documents.get(n) ?? documents.set(n, PolicyDocument.parse(policyDraft(n))).get(n)!;

/** A call asked again after `waitMs` while it fails for a passing reason, as the ASL's Retry would (5 more times at most); a failed job is the caller's. */
const retried = async <T>(call: () => Promise<T>, waitMs: number): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const passing = (error instanceof MnoTransientError && !(error instanceof MnoJobFailed)) || error instanceof MnoRateLimited;
      if (!passing || attempt > 5) throw error;
      await sleep(waitMs);
    }
  }
};

/** A job polled every `waitMs` (the workflow's WaitForJob → PollJob) until it is done, or the MNO failed it. */
const jobOutcome = async (mno: DirectMno, jobId: string, waitMs: number): Promise<'done' | 'failed'> => {
  for (;;) {
    await sleep(waitMs);
    try {
      if ((await retried(() => mno.gateway.jobStatus(jobId), waitMs)) === 'done') return 'done';
    } catch (error) {
      if (error instanceof MnoJobFailed) return 'failed';
      throw error;
    }
  }
};

/**
 * One MNO takes a policy as the workflow's steps would, with nothing of the workflow's own: apply;
 * for a job, wait `waitMs` then poll until done; then read back. Through whatever faults the MNO is
 * set to, handled as the workflow handles them: a call failing for a passing reason is asked again
 * after `waitMs` (the bench's Retry interval), a job the MNO failed is submitted again after
 * `waitMs` (BackOffBeforeResubmit, up to MAX_SUBMISSIONS), a read-back that failed is asked again
 * (VerifyOnMno). Throws if nothing is held.
 */
export const takePolicy = async (mno: DirectMno, profileId: string, n: number, waitMs: number) => {
  const { effective } = compilePolicy(documentOf(n), mno.capabilities as PolicyRule[]);
  for (let submissions = 1; ; submissions++) {
    const submission = await retried(() => mno.gateway.applyPolicy(profileId, effective), waitMs);
    if (submission.done || (await jobOutcome(mno, submission.jobId, waitMs)) === 'done') break;
    if (submissions >= MAX_SUBMISSIONS) throw new Error(`${mno.id} failed the job ${submissions} times`);
    await sleep(waitMs);
  }
  if (!(await retried(() => mno.gateway.readPolicy(profileId), waitMs))) throw new Error(`${mno.id} holds nothing under ${profileId} after the apply`);
};

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * Each MNO alone (one after another, so none shares the CPU): a warm-up take, then `reps`
 * measured ones; the floor of a parallel cascade is the slowest MNO's median.
 */
export const slowestMno = async (mnos: readonly DirectMno[], reps: number, waitMs: number) => {
  const perMno: Record<string, number> = {};
  let n = 0;
  for (const mno of mnos) {
    await takePolicy(mno, 'bench-floor.single', n++, waitMs);
    const samples: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      await takePolicy(mno, 'bench-floor.single', n++, waitMs);
      samples.push(ms(t0));
    }
    perMno[mno.id] = median(samples);
  }
  const [slowest, slowestMs] = Object.entries(perMno).sort((a, b) => b[1] - a[1])[0]!;
  return { slowest, slowestMs, perMno };
};

/** All (profile, MNO) takes at once: the wall time and applies per second. */
export const parallelTakes = async (takes: readonly { mno: DirectMno; profileId: string }[], n: number, waitMs: number) => {
  const t0 = process.hrtime.bigint();
  await Promise.all(takes.map(({ mno, profileId }) => takePolicy(mno, profileId, n, waitMs)));
  const wallMs = ms(t0);
  return { wallMs, appliesPerSec: takes.length / (wallMs / 1000) };
};

/**
 * The same per-MNO floors scheduled as the ASL's Map runs them: in target order, at most
 * `maxConcurrency` at once, each starting when a slot frees up (no workflow cost at all).
 */
export const mapMakespan = (durations: readonly number[], maxConcurrency: number) => {
  const slots = new Array<number>(Math.max(1, maxConcurrency)).fill(0);
  for (const d of durations) {
    const free = slots.indexOf(Math.min(...slots));
    slots[free]! += d;
  }
  return Math.max(...slots);
};
