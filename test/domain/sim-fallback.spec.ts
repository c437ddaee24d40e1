import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { mnoDecider, type MnoState } from '../../domain/mno/decider.ts';
import type { MnoEvent } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';
import { fallbackPlan } from '../../domain/sim/fallback.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

/** Fallback's rule (domain/sim/fallback.ts): given a SIM and the MNOs, when one goes down, then the switch, or why none. */
const EID = eid(9);
const [home, spare, backup] = [iccid(91), iccid(92), iccid(93)];
const held = (n: string, mno: string, state: 'enabled' | 'disabled', fallback = false) => ({ iccid: n, mno, imsi: imsi(Number(n.slice(-5, -1))), fallback, state });
const sim = (...events: SimEvent[]) =>
  fold(simDecider, simDecider.initialState, [
    { type: 'SimRegistered', data: { eid: EID, profiles: [held(home, 'north', 'enabled'), held(spare, 'east', 'disabled'), held(backup, 'south', 'disabled', true)] } },
    ...events,
  ]);
const registered = (id: string): MnoEvent => ({ type: 'MnoRegistered', data: { id, name: id, plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://x', credentialsRef: 'secret://mno/x' }, capabilities: [] } });
const verified: MnoEvent = { type: 'MnoVerified', data: { checks: {} } };
const mnos = (...down: string[]) => (id: string): MnoState =>
  fold(mnoDecider, mnoDecider.initialState, [registered(id), verified, ...(down.includes(id) ? [{ type: 'MnoOutageDeclared', data: { reason: 'x' } } as MnoEvent] : [])]);
const active: SimEvent = { type: 'SimActivated', data: {} };

describe('falling back from an MNO in outage', () => {
  it('given an active SIM enabled on the MNO that went down, then it switches to its fallback profile, with rollback', () => {
    expect(fallbackPlan(sim(active), 'north', mnos('north'))).toEqual({ kind: 'switch', psmos: [{ op: 'enable', iccid: backup, rollback: true }], to: { iccid: backup, mno: 'south' } });
  });
  it('given the fallback’s MNO down too, then another installed profile on an MNO that can take work', () => {
    expect(fallbackPlan(sim(active), 'north', mnos('north', 'south'))).toMatchObject({ kind: 'switch', to: { iccid: spare, mno: 'east' } });
  });
  it('given no other profile on an MNO that can take work, then it is skipped, saying why', () => {
    expect(fallbackPlan(sim(active), 'north', mnos('north', 'south', 'east'))).toEqual({ kind: 'skip', reason: 'no other profile is on an MNO that can take work (east, south)' });
  });
  it('given a SIM enabled elsewhere, in inventory, or whose switch is queued already, then it is not affected', () => {
    expect(fallbackPlan(sim(active), 'south', mnos('south'))).toEqual({ kind: 'unaffected' });
    expect(fallbackPlan(sim(), 'north', mnos('north'))).toEqual({ kind: 'unaffected' });
    const queued: SimEvent = { type: 'EimPackageQueued', data: { counter: 1, transactionId: 'a1', psmos: [{ op: 'enable', iccid: backup, rollback: true }] } };
    expect(fallbackPlan(sim(active, queued), 'north', mnos('north'))).toEqual({ kind: 'unaffected' });
  });
});
