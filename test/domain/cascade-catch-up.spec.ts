import { DEFAULT_SETTINGS } from '../../domain/enterprise/events.ts';
import { describe, expect, it } from 'vitest';
import { becameAvailable, newlyChosen, outOfUseToCatchUp, policyToCatchUp, simStateToCatchUp } from '../../domain/cascade/catch-up.ts';
import { fold } from '../../domain/decider.ts';
import type { EnterpriseState } from '../../domain/enterprise/decider.ts';
import { mnoDecider, type MnoState } from '../../domain/mno/decider.ts';
import type { MnoEvent } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';

/** The catch-up rules (domain/cascade/catch-up.ts): given what the streams hold, which changes an MNO is owed. */
const mno = (...events: MnoEvent[]): MnoState => fold(mnoDecider, mnoDecider.initialState, events);
const registered: MnoEvent = { type: 'MnoRegistered', data: { id: 'north', name: 'N', plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://n.example', credentialsRef: 'secret://mno/north' }, capabilities: [] } };
const verified: MnoEvent = { type: 'MnoVerified', data: { checks: {} } };
const quarantined: MnoEvent = { type: 'MnoQuarantined', data: { checks: {}, failed: ['tls'] } };
const down: MnoEvent = { type: 'MnoOutageDeclared', data: { reason: 'x' } };
const up: MnoEvent = { type: 'MnoOutageCleared', data: {} };
const enterprise = (...mnos: string[]): EnterpriseState => ({ status: 'active', tenantId: 'acme', name: 'Acme', mnos, settings: DEFAULT_SETTINGS });
const eid = '89049032000000000000000000000163';
const sim = (...events: SimEvent[]) => fold(simDecider, simDecider.initialState, [{ type: 'SimRegistered', data: { eid, profiles: [{ iccid: '8944123456789012348', mno: 'north', imsi: '262910000000001', fallback: false }] } }, ...events]);

describe('which MNOs are owed changes', () => {
  it('given an outage cleared, or verification after quarantine or none, then it became available', () => {
    expect(becameAvailable(mno(registered, verified, down), mno(registered, verified, down, up))).toBe(true);
    expect(becameAvailable(mno(registered, quarantined), mno(registered, quarantined, verified))).toBe(true);
    expect(becameAvailable(mno(registered), mno(registered, verified))).toBe(true);
  });
  it('given verified again while verified, or verified while in outage, then not', () => {
    expect(becameAvailable(mno(registered, verified), mno(registered, verified, verified))).toBe(false);
    expect(becameAvailable(mno(registered, down), mno(registered, down, verified))).toBe(false);
  });
  it('given a new choice of MNOs, then the ones added are owed, not the ones kept or dropped', () => {
    expect(newlyChosen(enterprise('a', 'b'), enterprise('b', 'c', 'd'))).toEqual(['c', 'd']);
    expect(newlyChosen({ status: 'none' }, enterprise('a'))).toEqual(['a']);
  });
});

describe('which changes an MNO is owed', () => {
  const policy = { policyId: 'fleet', latestVersion: 3, published: {} };
  it('given the latest version not verified there (skipped, failed, or the MNO was no target), then that version', () => {
    for (const there of ['skipped', 'failed', 'superseded', undefined] as const) expect(policyToCatchUp(policy, there)).toEqual({ kind: 'policy', policyId: 'fleet', version: 3 });
  });
  it('given it verified there, or nothing published, then nothing', () => {
    expect(policyToCatchUp(policy, 'verified')).toBeUndefined();
    expect(policyToCatchUp({ policyId: 'fleet', latestVersion: 0, published: {} }, undefined)).toBeUndefined();
  });
  it('given a SIM whose state the MNO has not confirmed, then that state; confirmed, in inventory, or no profile there, then nothing', () => {
    expect(simStateToCatchUp(sim({ type: 'SimActivated', data: {} }), 'north', 'skipped')).toEqual({ kind: 'sim-state', eid, state: 'active' });
    expect(simStateToCatchUp(sim({ type: 'SimActivated', data: {} }, { type: 'SimStateObserved', data: { mno: 'north', state: 'active' } }), 'north', undefined)).toBeUndefined();
    expect(simStateToCatchUp(sim({ type: 'SimActivated', data: {} }, { type: 'SimStateObserved', data: { mno: 'north', state: 'active' } }, { type: 'SimSuspended', data: {} }), 'north', undefined)).toMatchObject({ state: 'suspended' });
    expect(simStateToCatchUp(sim(), 'north', undefined)).toBeUndefined();
    expect(simStateToCatchUp(sim({ type: 'SimActivated', data: {} }), 'south', undefined)).toBeUndefined();
  });
  it('given a profile a switch left active at this MNO (not the enabled one), then it is set out of use there', () => {
    const twoOn = (...events: SimEvent[]) =>
      fold(simDecider, simDecider.initialState, [
        { type: 'SimRegistered', data: { eid, profiles: [{ iccid: '8944123456789012348', mno: 'north', imsi: '262910000000001', fallback: false, state: 'disabled' }, { iccid: '8944123456789012355', mno: 'south', imsi: '262910000000002', fallback: true, state: 'enabled' }] } },
        ...events,
      ]);
    const seenActive: SimEvent = { type: 'SimStateObserved', data: { mno: 'north', state: 'active' } };
    expect(outOfUseToCatchUp(twoOn({ type: 'SimActivated', data: {} }, seenActive), 'north')).toEqual({ kind: 'sim-state', eid, state: 'suspended', iccid: '8944123456789012348' });
    expect(outOfUseToCatchUp(twoOn({ type: 'SimActivated', data: {} }, seenActive), 'south')).toBeUndefined();
    expect(outOfUseToCatchUp(twoOn({ type: 'SimActivated', data: {} }), 'north')).toBeUndefined();
  });
  it('given the change’s own cascade skipped or failed there, then it is owed even if the MNO was last seen holding that state (an observation older than the change)', () => {
    const seenActive = sim({ type: 'SimActivated', data: {} }, { type: 'SimStateObserved', data: { mno: 'north', state: 'active' } }, { type: 'SimSuspended', data: {} }, { type: 'SimResumed', data: {} });
    expect(simStateToCatchUp(seenActive, 'north', 'skipped')).toMatchObject({ state: 'active' });
    expect(simStateToCatchUp(seenActive, 'north', 'failed')).toMatchObject({ state: 'active' });
  });
  it('given the change’s own cascade still carrying it there (pending, applying, applied), then nothing: it gets there by itself', () => {
    for (const there of ['pending', 'applying', 'applied'] as const) {
      expect(policyToCatchUp(policy, there)).toBeUndefined();
      expect(simStateToCatchUp(sim({ type: 'SimActivated', data: {} }), 'north', there)).toBeUndefined();
    }
  });
});
