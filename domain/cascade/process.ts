import type { MnoState } from '../mno/decider.ts';
import { unavailableReason } from '../mno/decider.ts';
import { canonicalJson } from '../policy/canonical.ts';
import type { PolicyState } from '../policy/decider.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { ruleValue, rulesUsed } from '../policy/rules.ts';
import type { SimState } from '../sim/decider.ts';
import type { CascadeSubject } from './events.ts';
import { finished, type Target } from './target.ts';

/**
 * The rules of the cascade process, pure: what the workflow's steps (application/cascades) decide
 * at each MNO, from the facts they have loaded. No I/O, no clock: each rule takes what it decides
 * on and says what to do; the step does it and records the outcome on the target's stream.
 */

/** Submissions of one change to one MNO in one round (transient retries and resubmitted jobs included) before the target fails. */
export const MAX_SUBMISSIONS = 12;

/**
 * Before a submission: submit, or not at all (the round has ended for this target), or give up (its
 * budget is spent); or, when a resumed round finds a step already done, go on from there: read
 * back what the MNO applied, or poll the job it took (never submit the same change twice).
 */
export type BeforeSubmission =
  | { kind: 'submit' }
  | { kind: 'finished' }
  | { kind: 'give-up'; reason: string }
  | { kind: 'verify' }
  | { kind: 'poll'; jobId: string };

/**
 * How long a submission whose answer never came (the call timed out, the process died) may still
 * land at the MNO: three times the CMP client's timeout.
 */
export const IN_DOUBT_MS = 30_000;

/**
 * A change that a newer one superseded, at an MNO where a submission of it is in doubt (begun and
 * never answered, or timed out: it may still land, after the newer one; an MNO's refusal or error
 * answer is not in doubt): wait until it can no longer land, then submit
 * the newest over it; with nothing in doubt, just record it superseded.
 */
export const whenSuperseded = (target: Target, now: number): 'settle' | 'converge' | 'record' => {
  if (finished(target) || target.inDoubt === false || target.status !== 'applying') return 'record';
  const began = target.attemptAt === undefined ? Number.NaN : Date.parse(target.attemptAt);
  return now - began < IN_DOUBT_MS ? 'settle' : 'converge';
};

export const beforeSubmission = (target: Target): BeforeSubmission => {
  // Its round ended already (a repeated execution): the MNO gets nothing more.
  if (finished(target)) return { kind: 'finished' };
  if (target.status === 'applied') return { kind: 'verify' };
  if (target.status === 'applying' && target.jobId) return { kind: 'poll', jobId: target.jobId };
  if (target.attempts >= MAX_SUBMISSIONS) return { kind: 'give-up', reason: `gave up after ${target.attempts} submissions; last: ${target.lastError ?? 'unknown'}` };
  return { kind: 'submit' };
};

type SimSubject = Extract<CascadeSubject, { kind: 'sim-state' }>;

/** Where a SIM-state cascade goes at one MNO: the profile's ICCID and the state to set, or why there is nothing to do. */
export type SimTarget = { iccid: string; desired: SimSubject['state'] } | { skip: string } | { superseded: string };

/**
 * A SIM's state at one MNO, as the SIM is now: the state its subject carries, on the profile the
 * SIM has there. A change that a later one replaced (the SIM's desired state is no longer the
 * subject's) is superseded: the later change's own cascade carries it.
 */
export const simTargetAt = (sim: SimState, subject: SimSubject, mno: string): SimTarget => {
  if (sim.status === 'unregistered') return { skip: 'the SIM does not exist' };
  const superseded = simSuperseded(subject, sim);
  if (superseded) return { superseded };
  // Only the enabled profile's subscription is active at its MNO: the others are provisioned, not in use
  // (a subject naming another profile sets that one's subscription out of use after a switch).
  const profile = sim.profiles.find((p) => p.iccid === (subject.iccid ?? sim.enabledProfile));
  if (profile?.mno === mno) return { iccid: profile.iccid, desired: subject.state };
  if (subject.iccid) return { skip: profile ? `profile ${subject.iccid} is on ${profile.mno}, not ${mno}` : `no profile ${subject.iccid} on this SIM` };
  return { skip: sim.profiles.some((p) => p.mno === mno) ? `the SIM's enabled profile is not on ${mno}` : `no profile of this SIM is on ${mno}` };
};

/** Why a later SIM change has taken this one's place (the SIM's desired state is another now), or undefined. */
export const simSuperseded = (subject: SimSubject, sim: SimState): string | undefined => {
  if (sim.status === 'unregistered') return undefined;
  // A profile set out of use is superseded once it is the enabled one again (then it carries the SIM's state).
  if (subject.iccid) return subject.iccid === sim.enabledProfile ? `superseded: profile ${subject.iccid} is enabled again` : undefined;
  const desired = desiredSimState(sim);
  return desired === subject.state ? undefined : `superseded: the SIM is now ${desired ?? sim.status}`;
};

type PolicySubject = Extract<CascadeSubject, { kind: 'policy' }>;

/** Why a later version of the policy has taken this one's place, or undefined while it is the latest. */
export const policySuperseded = (subject: PolicySubject, policy: Pick<PolicyState, 'latestVersion' | 'latestCascadeId'>): string | undefined =>
  policy.latestVersion > subject.version
    ? `superseded: version ${subject.version} of policy ${subject.policyId} was replaced by version ${policy.latestVersion}${policy.latestCascadeId ? ` (cascade ${policy.latestCascadeId})` : ''}`
    : undefined;

/** Why the newest change is another than the cascade's subject, from the policy or the SIM as it is now; undefined while it is the newest. */
export const supersededBy = (subject: CascadeSubject, now: { policy?: Pick<PolicyState, 'latestVersion' | 'latestCascadeId'> | undefined; sim?: SimState | undefined }) =>
  subject.kind === 'policy' ? (now.policy ? policySuperseded(subject, now.policy) : undefined) : now.sim ? simSuperseded(subject, now.sim) : undefined;

/** The SIM's desired state at its MNOs now (none while in inventory, or before it exists). */
export const desiredSimState = (sim: SimState): SimSubject['state'] | undefined =>
  sim.status === 'unregistered' || sim.status === 'inventory' ? undefined : sim.status === 'active' && sim.quarantined ? 'quarantined' : sim.status;

/** What planning does with one target: give it work, skip it (and why), or record it superseded (and by what). */
export type TargetPlan = { kind: 'work' } | { kind: 'skip'; reason: string } | { kind: 'superseded'; reason: string };

/**
 * A target of this round: superseded when a newer change has taken the subject's place (a later
 * policy version, a later SIM state: its own cascade carries it); skipped when the MNO is
 * unverified, quarantined or in outage, or a SIM has no profile there or no longer exists;
 * otherwise work. `now` is the policy or the SIM as it is now.
 */
export const planTarget = (subject: CascadeSubject, mno: MnoState, mnoId: string, now: { policy?: PolicyState | undefined; sim?: SimState | undefined }): TargetPlan => {
  const superseded = supersededBy(subject, now);
  if (superseded) return { kind: 'superseded', reason: superseded };
  const unavailable = unavailableReason(mno);
  if (unavailable) return { kind: 'skip', reason: unavailable };
  if (subject.kind !== 'sim-state') return { kind: 'work' };
  const target = simTargetAt(now.sim ?? { status: 'unregistered' }, subject, mnoId);
  return 'skip' in target ? { kind: 'skip', reason: target.skip } : { kind: 'work' };
};

/**
 * Policy drift: the rules this MNO was given whose value it does not hold (`profile` when it
 * holds no profile at all). What it holds beyond them is not ours to verify.
 */
export const policyDrift = (applied: PolicyDocument, held: PolicyDocument | undefined): string[] => {
  if (!held) return ['profile'];
  return rulesUsed(applied).filter((rule) => canonicalJson(ruleValue(held, rule) ?? null) !== canonicalJson(ruleValue(applied, rule)));
};

/** SIM-state drift: the MNO holds no state, or another than the one the SIM should have there now. */
export const simStateDrift = (held: SimSubject['state'] | undefined, desired: SimSubject['state'] | undefined): string[] =>
  held !== undefined && held === desired ? [] : ['state'];

const STATE_AFTER: Readonly<Record<string, SimSubject['state']>> = {
  SimActivated: 'active',
  SimResumed: 'active',
  SimSuspended: 'suspended',
  SimTerminated: 'terminated',
  SimQuarantined: 'quarantined',
};

/** The state a SIM should have at its MNOs after a lifecycle event, or undefined for an event that changes none. */
export const simStateAfter = (eventType: string): SimSubject['state'] | undefined => (Object.hasOwn(STATE_AFTER, eventType) ? STATE_AFTER[eventType] : undefined);

/**
 * The name of a round's execution (Step Functions keeps names unique, so a repeated start of the
 * same attempt does nothing): the cascade id for round 1, `-r<round>` after a redrive,
 * `-a<attempt>` once the round was resumed after its execution was gone.
 */
export const executionName = (cascadeId: string, round: number, attempt: number) =>
  `${cascadeId}${round === 1 ? '' : `-r${round}`}${attempt === 0 ? '' : `-a${attempt}`}`;
