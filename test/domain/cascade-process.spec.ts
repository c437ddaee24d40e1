import { describe, expect, it } from 'vitest';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { IN_DOUBT_MS, MAX_SUBMISSIONS, beforeSubmission, whenSuperseded, desiredSimState, planTarget, policyDrift, simStateAfter, simStateDrift, simTargetAt, supersededBy } from '../../domain/cascade/process.ts';
import { targetDecider, type TargetEvent } from '../../domain/cascade/target.ts';
import { fold } from '../../domain/decider.ts';
import { mnoDecider, type MnoState } from '../../domain/mno/decider.ts';
import type { MnoEvent } from '../../domain/mno/events.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import { simDecider, type SimState } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';

/**
 * The cascade process's rules (domain/cascade/process.ts), given what a step has loaded, when it
 * is about to act, then what it does: the workflow's decisions, specified without I/O.
 */
const target = (...events: TargetEvent[]) => fold(targetDecider, targetDecider.initialState, events);
const applying = (attempt: number): TargetEvent => ({ type: 'CascadeTargetApplying', data: { mno: 'a', attempt } });
const attemptFailed = (attempt: number): TargetEvent => ({ type: 'CascadeAttemptFailed', data: { mno: 'a', attempt, error: 'job failed' } });

const registration = { id: 'northwind-de', name: 'Northwind', plmns: ['262-01'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://cmp.example', credentialsRef: 'secret://mno/northwind-de' }, capabilities: [] };
const mno = (...events: MnoEvent[]): MnoState => fold(mnoDecider, mnoDecider.initialState, events);
const registered: MnoEvent = { type: 'MnoRegistered', data: registration as never };
const verified: MnoEvent = { type: 'MnoVerified', data: { checks: {} as never } };

const eid = '89049032000000000000000000000163';
const sim = (...events: SimEvent[]): SimState => fold(simDecider, simDecider.initialState, events);
const simRegistered: SimEvent = { type: 'SimRegistered', data: { eid, profiles: [{ iccid: '8944123456789012348', mno: 'northwind-de', imsi: '262911234567890', fallback: false, state: 'enabled' }] } };
const activated: SimEvent = { type: 'SimActivated', data: {} };
const suspended: SimEvent = { type: 'SimSuspended', data: {} };
const toActive: CascadeSubject = { kind: 'sim-state', eid, state: 'active' };
const policy: CascadeSubject = { kind: 'policy', policyId: 'fleet', version: 1 };

describe('before a submission (the give-up rule)', () => {
  it('given a fresh target, then it submits', () => expect(beforeSubmission(target())).toEqual({ kind: 'submit' }));

  it(`given ${MAX_SUBMISSIONS} submissions already, then it gives up, naming the count and the last error`, () => {
    const spent = target(...Array.from({ length: MAX_SUBMISSIONS }, (_, i) => [applying(i + 1), attemptFailed(i + 1)]).flat());
    expect(beforeSubmission(spent)).toEqual({ kind: 'give-up', reason: `gave up after ${MAX_SUBMISSIONS} submissions; last: job failed` });
    expect(beforeSubmission(target(applying(MAX_SUBMISSIONS - 1)))).toEqual({ kind: 'submit' });
  });

  it('given a target its round has finished (verified, failed, skipped), then nothing more goes to the MNO', () => {
    expect(beforeSubmission(target({ type: 'CascadeTargetSkipped', data: { mno: 'a', reason: 'outage' } }))).toEqual({ kind: 'finished' });
    expect(beforeSubmission(target(applying(1), { type: 'CascadeTargetFailed', data: { mno: 'a', error: 'x', permanent: true } }))).toEqual({ kind: 'finished' });
  });

  describe('when a resumed round (its execution was gone) meets a step that completed', () => {
    const submitted = (attempt: number, jobId: string): TargetEvent => ({ type: 'CascadeTargetSubmitted', data: { mno: 'a', attempt, jobId } });
    const applied: TargetEvent = { type: 'CascadeTargetApplied', data: { mno: 'a', at: '2026-12-05T00:00:00.000Z' } };

    it('given the MNO applied the change, then it reads back only (no second submission)', () => {
      expect(beforeSubmission(target(applying(1), applied))).toEqual({ kind: 'verify' });
    });

    it('given the MNO took the submission as a job, then it polls that job', () => {
      expect(beforeSubmission(target(applying(1), submitted(1, 'job-7')))).toEqual({ kind: 'poll', jobId: 'job-7' });
    });

    it('given a poll that failed in passing (the job still under way), then it polls that job still', () => {
      expect(beforeSubmission(target(applying(1), submitted(1, 'job-7'), attemptFailed(1)))).toEqual({ kind: 'poll', jobId: 'job-7' });
    });

    it('given the job failed, or the attempt never reached the MNO, then it submits again', () => {
      const jobFailed: TargetEvent = { type: 'CascadeAttemptFailed', data: { mno: 'a', attempt: 1, error: 'job failed: NETWORK_TIMEOUT', jobFailed: true } };
      expect(beforeSubmission(target(applying(1), submitted(1, 'job-7'), jobFailed))).toEqual({ kind: 'submit' });
      expect(beforeSubmission(target(applying(1), submitted(1, 'job-7'), jobFailed, applying(2)))).toEqual({ kind: 'submit' });
      expect(beforeSubmission(target(applying(1)))).toEqual({ kind: 'submit' });
    });
  });
});

describe('a superseded change where a submission of it is in doubt (whenSuperseded)', () => {
  const began = (at: string): TargetEvent => ({ type: 'CascadeTargetApplying', data: { mno: 'a', attempt: 1, at } });
  const t0 = Date.parse('2026-12-05T10:00:00.000Z');
  it('given no submission in doubt (never submitted, or answered), then it is just recorded superseded', () => {
    expect(whenSuperseded(target(), t0)).toBe('record');
    expect(whenSuperseded(target(began('2026-12-05T10:00:00.000Z'), { type: 'CascadeTargetApplied', data: { mno: 'a', at: 'x' } }), t0)).toBe('record');
  });
  it(`given a submission begun less than ${IN_DOUBT_MS / 1000} s ago and never answered, then it waits; after, it submits the newest over it`, () => {
    expect(whenSuperseded(target(began('2026-12-05T10:00:00.000Z')), t0 + IN_DOUBT_MS - 1)).toBe('settle');
    expect(whenSuperseded(target(began('2026-12-05T10:00:00.000Z')), t0 + IN_DOUBT_MS)).toBe('converge');
    // Recorded before submissions carried their time: submit the newest at once.
    expect(whenSuperseded(target({ type: 'CascadeTargetApplying', data: { mno: 'a', attempt: 1 } }), t0)).toBe('converge');
  });
});

describe('a profile set out of use after a switch (a sim-state subject naming its ICCID)', () => {
  const two: SimEvent = { type: 'SimRegistered', data: { eid, profiles: [{ iccid: '8944123456789012348', mno: 'north', imsi: '262911234567890', fallback: false, state: 'disabled' }, { iccid: '8944123456789012355', mno: 'south', imsi: '262911234567891', fallback: true, state: 'enabled' }] } };
  const outOfUse: CascadeSubject = { kind: 'sim-state', eid, state: 'suspended', iccid: '8944123456789012348' };
  it('given the profile is not the enabled one, then its MNO gets the state for that profile; other MNOs nothing', () => {
    expect(simTargetAt(sim(two, activated), outOfUse as never, 'north')).toEqual({ iccid: '8944123456789012348', desired: 'suspended' });
    expect(simTargetAt(sim(two, activated), outOfUse as never, 'south')).toMatchObject({ skip: expect.stringContaining('is on north') });
  });
  it('given the profile is enabled again, then it is superseded (it carries the SIM’s state now)', () => {
    const back: SimEvent = { type: 'EimPackageQueued', data: { counter: 1, transactionId: 'a', psmos: [{ op: 'enable', iccid: '8944123456789012348' }] } };
    const done: SimEvent = { type: 'EimPackageExecuted', data: { counter: 1, transactionId: 'a', seq: 1, results: [{ op: 'enable', iccid: '8944123456789012348', outcome: 'ok' }] } };
    expect(simTargetAt(sim(two, activated, back, done), outOfUse as never, 'north')).toEqual({ superseded: 'superseded: profile 8944123456789012348 is enabled again' });
  });
});

describe('which targets get no work (skip rules) and which a newer change superseded', () => {
  const latest = (latestVersion: number) => ({ policy: { latestVersion, latestCascadeId: `c-${latestVersion}`, published: {} } });

  it('given an MNO that is unregistered, unverified, quarantined or in outage, then it is skipped with why', () => {
    const skip = (m: MnoState) => planTarget(policy, m, 'x', latest(1));
    expect(skip(mno())).toEqual({ kind: 'skip', reason: 'the MNO is not registered' });
    expect(skip(mno(registered))).toEqual({ kind: 'skip', reason: 'the MNO has not passed security verification' });
    expect(skip(mno(registered, { type: 'MnoQuarantined', data: { checks: {} as never, failed: ['smsFirewall'] } }))).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/quarantined/) });
    expect(skip(mno(registered, verified, { type: 'MnoOutageDeclared', data: { reason: 'fibre cut' } }))).toEqual({ kind: 'skip', reason: 'the MNO is in outage: fibre cut' });
    expect(skip(mno(registered, verified))).toEqual({ kind: 'work' });
  });

  it('given a later version of the policy, then every target of the older one is superseded, naming the newer, whatever the MNO', () => {
    const plan = planTarget(policy, mno(registered, verified), 'x', latest(3));
    expect(plan).toEqual({ kind: 'superseded', reason: 'superseded: version 1 of policy fleet was replaced by version 3 (cascade c-3)' });
    expect(planTarget(policy, mno(), 'x', latest(3)).kind).toBe('superseded');
  });

  it('given a SIM change, then an MNO without a profile of the SIM or a SIM that is gone skip it, a later change supersedes it', () => {
    const ok = mno(registered, verified);
    expect(planTarget(toActive, ok, 'northwind-de', { sim: sim(simRegistered, activated) })).toEqual({ kind: 'work' });
    expect(planTarget(toActive, ok, 'orbital-fr', { sim: sim(simRegistered, activated) })).toEqual({ kind: 'skip', reason: 'no profile of this SIM is on orbital-fr' });
    expect(planTarget(toActive, ok, 'northwind-de', { sim: sim() })).toEqual({ kind: 'skip', reason: 'the SIM does not exist' });
    expect(planTarget(toActive, ok, 'northwind-de', { sim: sim(simRegistered, activated, suspended) })).toEqual({ kind: 'superseded', reason: 'superseded: the SIM is now suspended' });
  });

  it('a cascade is superseded by a newer change of its own subject only', () => {
    expect(supersededBy(policy, latest(1))).toBeUndefined();
    expect(supersededBy(toActive, { sim: sim(simRegistered, activated) })).toBeUndefined();
    expect(supersededBy(toActive, { sim: sim(simRegistered, activated, suspended) })).toMatch(/superseded/);
  });
});

describe('where a SIM change goes', () => {
  it('given the SIM as it is now, then its profile at that MNO and the state to set', () => {
    expect(simTargetAt(sim(simRegistered, activated), toActive, 'northwind-de')).toEqual({ iccid: '8944123456789012348', desired: 'active' });
    expect(simTargetAt(sim(simRegistered, activated, suspended), toActive, 'northwind-de')).toEqual({ superseded: 'superseded: the SIM is now suspended' });
    expect(desiredSimState(sim(simRegistered))).toBeUndefined();
    expect(desiredSimState(sim(simRegistered, activated, suspended))).toBe('suspended');
  });

  it('which events change the state at the MNOs', () => {
    expect([simStateAfter('SimActivated'), simStateAfter('SimResumed'), simStateAfter('SimSuspended'), simStateAfter('SimTerminated')]).toEqual(['active', 'active', 'suspended', 'terminated']);
    expect(simStateAfter('SimLabelsSet')).toBeUndefined();
    expect(simStateAfter('toString')).toBeUndefined();
  });
});

describe('drift (the read-back comparison)', () => {
  const applied = { data: { apns: ['iot.acme'] }, imeiLock: true } as unknown as PolicyDocument;

  it('given what the MNO holds equals what it was given, then no drift; what it holds beyond that is not ours to verify', () => {
    expect(policyDrift(applied, applied)).toEqual([]);
    expect(policyDrift(applied, { ...applied, roaming: { countries: ['DE'] } } as unknown as PolicyDocument)).toEqual([]);
  });

  it('given a rule it holds otherwise, or no profile at all, then those rules drift', () => {
    expect(policyDrift(applied, { ...applied, imeiLock: false } as unknown as PolicyDocument)).toEqual(['imeiLock']);
    expect(policyDrift(applied, undefined)).toEqual(['profile']);
  });

  it('given a SIM state, then drift unless the MNO holds the state the SIM should have now', () => {
    expect(simStateDrift('active', 'active')).toEqual([]);
    expect(simStateDrift('suspended', 'active')).toEqual(['state']);
    expect(simStateDrift(undefined, 'active')).toEqual(['state']);
  });
});
