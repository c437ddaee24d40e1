import { describe, expect, it } from 'vitest';
import { simDecider } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';
import { eid, iccid, imsi } from '../support/ids.ts';
import { specFor } from '../support/given.ts';
import { fold } from '../../domain/decider.ts';
import { readEvents } from '../../domain/events.ts';

const spec = specFor(simDecider);
const EID = eid(1);
const profile = (n: number, fallback = false) => ({ iccid: iccid(n), mno: `mno-${n}`, imsi: imsi(n), fallback });
/** A profile as the SIM holds it. */
const held = (n: number, state: 'enabled' | 'disabled' = 'enabled', fallback = false) => ({ ...profile(n, fallback), state });
const registered: SimEvent = { type: 'SimRegistered', data: { eid: EID, profiles: [held(1)], imei: undefined } };
const activated: SimEvent = { type: 'SimActivated', data: { reason: undefined } };
const suspended: SimEvent = { type: 'SimSuspended', data: { reason: 'lost' } };
const requested: SimEvent = { type: 'SimTerminationRequested', data: { requestedBy: 'alice', reason: undefined } };
const terminated: SimEvent = { type: 'SimTerminated', data: { requestedBy: 'alice', approvedBy: 'bob' } };
const by = (actor: string) => ({ actor });
const MNOS = { 'mno-1': ['262-91'], 'mno-2': ['262-91'] };

describe('Sim decider', () => {
  describe('labels', () => {
    it('are given at registration, each once', () =>
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1)], labels: ['fleet-a', 'fleet-a', 'site.7'] }).then([
        { type: 'SimRegistered', data: { eid: EID, profiles: [held(1)], imei: undefined, labels: ['fleet-a', 'site.7'] } },
      ]));
    it('are replaced as a whole; the same set again changes nothing', () => {
      const set: SimEvent = { type: 'SimLabelsSet', data: { labels: ['fleet-b'] } };
      spec([registered]).when({ type: 'SetSimLabels', ...by('a'), labels: ['fleet-b', 'fleet-b'] }).then([set]);
      spec([registered, set]).when({ type: 'SetSimLabels', ...by('a'), labels: ['fleet-b'] }).then([]);
      spec([registered, set]).when({ type: 'SetSimLabels', ...by('a'), labels: [] }).then([{ type: 'SimLabelsSet', data: { labels: [] } }]);
    });
    it('are not set on a SIM that is terminated or not registered', () => {
      spec([registered, suspended, requested, terminated]).when({ type: 'SetSimLabels', ...by('a'), labels: ['x'] }).thenFails('sim-terminated', 'conflict');
      spec([]).when({ type: 'SetSimLabels', ...by('a'), labels: ['x'] }).thenFails('sim-not-found', 'not-found');
    });
  });
  describe('register', () => {
    it('registers a new SIM in inventory', () =>
      spec([]).when({ type: 'RegisterSim', ...by('alice'), allowedMnos: MNOS, eid: EID, profiles: [profile(1)] }).then([registered]));
    it('refuses an EID already registered', () =>
      spec([registered]).when({ type: 'RegisterSim', ...by('alice'), allowedMnos: MNOS, eid: EID, profiles: [profile(1)] }).thenFails('sim-already-registered', 'conflict'));
    it('gives each profile its state on the eUICC: the one marked enabled, else the first that is not the fallback; the others disabled', () => {
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1, true), profile(2)] }).then([
        { type: 'SimRegistered', data: { eid: EID, profiles: [held(1, 'disabled', true), held(2, 'enabled')], imei: undefined } },
      ]);
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1), { ...profile(2), enabled: true }] }).then([
        { type: 'SimRegistered', data: { eid: EID, profiles: [held(1, 'disabled'), held(2, 'enabled')], imei: undefined } },
      ]);
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [{ ...profile(1), enabled: true }, { ...profile(2), enabled: true }] }).thenFails('enabled-profiles', 'invalid');
    });
    it('reads a registration recorded before profiles had states (schema version 1) through its upcaster: the first non-fallback profile enabled', () => {
      const v1 = { id: 'e1', type: 'SimRegistered', version: 1, schemaVersion: 1, data: { eid: EID, profiles: [profile(1, true), profile(2)] } };
      const [read] = readEvents<SimEvent>([v1], simDecider.events);
      expect(read).toMatchObject({ data: { profiles: [held(1, 'disabled', true), held(2, 'enabled')] } });
      expect(fold(simDecider, simDecider.initialState, [read!])).toMatchObject({ status: 'inventory', enabledProfile: iccid(2) });
    });
    it('allows at most one fallback profile', () =>
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1, true), profile(2, true)] }).thenFails('fallback-profiles', 'invalid'));
    it('refuses a profile on an MNO the enterprise has not chosen', () =>
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: { 'mno-2': ['262-91'] }, eid: EID, profiles: [profile(1)] }).thenFails('mno-not-chosen', 'invalid'));
    it('refuses every profile while the enterprise has chosen no MNO', () =>
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: {}, eid: EID, profiles: [profile(1)] }).thenFails('mno-not-chosen', 'invalid'));
    it('refuses a profile whose IMSI is not of its MNO (its MCC-MNC is none of the MNO’s PLMNs), naming the profile, not the IMSI', () => {
      const us = { ...profile(2), imsi: '310410123456789' };
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1), us] }).thenFails('imsi-not-of-mno', 'invalid');
      expect(() => simDecider.decide({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1), us] }, simDecider.initialState)).toThrow(
        `profile 1 (ICCID ${us.iccid}): its IMSI's MCC-MNC (310-410) is not a PLMN of mno-2 (262-91)`,
      );
      // A three-digit MNC: the PLMN's digits are the IMSI's first six.
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: { 'mno-2': ['310-410'] }, eid: EID, profiles: [us] }).then([{ type: 'SimRegistered', data: { eid: EID, profiles: [{ ...us, state: 'enabled' }] } }]);
    });
    it('refuses two profiles with one ICCID', () =>
      spec([]).when({ type: 'RegisterSim', ...by('a'), allowedMnos: MNOS, eid: EID, profiles: [profile(1), { ...profile(2), iccid: iccid(1) }] }).thenFails('duplicate-iccid'));
  });

  describe('lifecycle inventory → active ⇄ suspended → terminated', () => {
    it('activates a SIM in inventory', () => spec([registered]).when({ type: 'ActivateSim', ...by('a') }).then([activated]));
    it('activating an active SIM is a no-op', () => spec([registered, activated]).when({ type: 'ActivateSim', ...by('a') }).then([]));
    it('suspends an active SIM', () =>
      spec([registered, activated]).when({ type: 'SuspendSim', ...by('a'), reason: 'lost' }).then([suspended]));
    it('suspending a suspended SIM is a no-op', () => spec([registered, activated, suspended]).when({ type: 'SuspendSim', ...by('a') }).then([]));
    it('cannot suspend a SIM in inventory', () => spec([registered]).when({ type: 'SuspendSim', ...by('a') }).thenFails('illegal-transition', 'conflict'));
    it('resumes a suspended SIM', () =>
      spec([registered, activated, suspended]).when({ type: 'ResumeSim', ...by('a') }).then([{ type: 'SimResumed', data: { reason: undefined } }]));
    it('cannot resume a SIM in inventory', () => spec([registered]).when({ type: 'ResumeSim', ...by('a') }).thenFails('illegal-transition'));
    it('cannot activate a suspended SIM (resume it)', () =>
      spec([registered, activated, suspended]).when({ type: 'ActivateSim', ...by('a') }).thenFails('illegal-transition'));
    it('a command on an unregistered SIM is not found', () => spec([]).when({ type: 'ActivateSim', ...by('a') }).thenFails('sim-not-found', 'not-found'));
  });

  describe('termination takes two people', () => {
    it('requesting termination of a suspended SIM awaits approval', () =>
      spec([registered, activated, suspended]).when({ type: 'RequestTermination', ...by('alice') }).then([requested]));
    it('an active SIM must be suspended before termination', () =>
      spec([registered, activated]).when({ type: 'RequestTermination', ...by('alice') }).thenFails('illegal-transition'));
    it('a SIM still in inventory can be terminated', () =>
      spec([registered]).when({ type: 'RequestTermination', ...by('alice') }).then([requested]));
    it('requesting again is a no-op', () =>
      spec([registered, activated, suspended, requested]).when({ type: 'RequestTermination', ...by('carol') }).then([]));
    it('the requester cannot approve', () =>
      spec([registered, activated, suspended, requested]).when({ type: 'ApproveTermination', ...by('alice') }).thenFails('same-approver', 'forbidden'));
    it('another person approves and the SIM is terminated', () =>
      spec([registered, activated, suspended, requested]).when({ type: 'ApproveTermination', ...by('bob') }).then([terminated]));
    it('approving without a request fails', () =>
      spec([registered, activated, suspended]).when({ type: 'ApproveTermination', ...by('bob') }).thenFails('no-pending-termination'));
    it('a pending termination blocks resume until cancelled', () =>
      spec([registered, activated, suspended, requested]).when({ type: 'ResumeSim', ...by('bob') }).thenFails('termination-pending'));
    it('a pending termination can be cancelled', () =>
      spec([registered, activated, suspended, requested]).when({ type: 'CancelTermination', ...by('bob') }).then([{ type: 'SimTerminationCancelled', data: { cancelledBy: 'bob' } }]));
    it.each(['ActivateSim', 'SuspendSim', 'ResumeSim', 'RequestTermination', 'ApproveTermination', 'CancelTermination'] as const)(
      'a terminated SIM takes no command: %s',
      (type) => spec([registered, activated, suspended, requested, terminated]).when({ type, ...by('bob') }).thenFails('sim-terminated', 'conflict'),
    );
  });
});
