import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';
import { specFor } from '../support/given.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

/** Switchboard as the SIM's eIM (domain/sim/eim.ts and the Sim decider): packages queued with rising counters, results recorded as the eUICC reports them. */
const spec = specFor(simDecider);
const EID = eid(5);
const [home, away, spare] = [iccid(51), iccid(52), iccid(53)];
const profile = (n: string, mno: string, state: 'enabled' | 'disabled' | 'ordered', fallback = false) => ({ iccid: n, mno, imsi: imsi(Number(n.slice(-6, -1))), fallback, state });
const registered: SimEvent = {
  type: 'SimRegistered',
  data: { eid: EID, profiles: [profile(home, 'north', 'enabled'), profile(away, 'south', 'disabled', true), profile(spare, 'east', 'ordered')] },
};
const by = { actor: 'alice' };
const queued = (counter: number, transactionId: string, psmos: any[]): SimEvent => ({ type: 'EimPackageQueued', data: { counter, transactionId, psmos } });
const enableAway = [{ op: 'enable' as const, iccid: away, rollback: true }];
const states = (events: SimEvent[]) => {
  const sim = fold(simDecider, simDecider.initialState, events);
  return sim.status === 'unregistered' ? {} : { enabled: sim.enabledProfile, profiles: Object.fromEntries(sim.profiles.map((p) => [p.iccid, p.state])) };
};

describe('eIM packages for a SIM', () => {
  it('given a disabled profile, when it is enabled, then a package is queued with counter 1; the next one gets 2', () => {
    spec([registered]).when({ type: 'QueueEimPackage', ...by, transactionId: 'a1', psmos: enableAway }).then([queued(1, 'a1', enableAway)]);
    const back = [{ op: 'enable' as const, iccid: home }];
    spec([registered, queued(1, 'a1', enableAway)]).when({ type: 'QueueEimPackage', ...by, transactionId: 'a2', psmos: back }).then([queued(2, 'a2', back)]);
  });

  it('refuses what the eUICC would refuse, as it will be after what is pending: enabling the enabled profile, deleting it, a profile not installed', () => {
    spec([registered]).when({ type: 'QueueEimPackage', ...by, transactionId: 'b1', psmos: [{ op: 'enable', iccid: home }] }).thenFails('psmo-refused', 'conflict');
    spec([registered]).when({ type: 'QueueEimPackage', ...by, transactionId: 'b2', psmos: [{ op: 'delete', iccid: home }] }).thenFails('psmo-refused', 'conflict');
    spec([registered]).when({ type: 'QueueEimPackage', ...by, transactionId: 'b3', psmos: [{ op: 'enable', iccid: spare }] }).thenFails('psmo-refused', 'conflict');
    // After a pending switch to `away`, enabling `away` again is what the eUICC would refuse.
    spec([registered, queued(1, 'a1', enableAway)]).when({ type: 'QueueEimPackage', ...by, transactionId: 'b4', psmos: enableAway }).thenFails('psmo-refused', 'conflict');
  });

  it('records what the eUICC did: an enable that took makes that profile the enabled one; the result recorded twice is one result', () => {
    const result = { type: 'RecordEimPackageResult' as const, ...by, counter: 1, transactionId: 'a1', seq: 1, outcome: { results: [{ op: 'enable' as const, iccid: away, outcome: 'ok' as const }] } };
    const executed: SimEvent = { type: 'EimPackageExecuted', data: { counter: 1, transactionId: 'a1', seq: 1, results: result.outcome.results } };
    spec([registered, queued(1, 'a1', enableAway)]).when(result).then([executed]);
    spec([registered, queued(1, 'a1', enableAway), executed]).when(result).then([]);
    expect(states([registered, queued(1, 'a1', enableAway), executed])).toEqual({ enabled: away, profiles: { [home]: 'disabled', [away]: 'enabled', [spare]: 'ordered' } });
  });

  it('records a rollback as such: the profile enabled before stays enabled', () => {
    const rolledBack: SimEvent = { type: 'EimPackageExecuted', data: { counter: 1, transactionId: 'a1', seq: 1, results: [{ op: 'enable', iccid: away, outcome: 'rolled-back' }] } };
    expect(states([registered, queued(1, 'a1', enableAway), rolledBack])).toEqual(states([registered]));
  });

  it('refuses a result that does not answer the package’s PSMOs one for one (an operation it never asked for)', () => {
    const extra = { type: 'RecordEimPackageResult' as const, ...by, counter: 1, transactionId: 'a1', seq: 1, outcome: { results: [{ op: 'enable' as const, iccid: away, outcome: 'ok' as const }, { op: 'delete' as const, iccid: home, outcome: 'ok' as const }] } };
    spec([registered, queued(1, 'a1', enableAway)]).when(extra).thenFails('result-not-of-package', 'invalid');
  });

  it('refuses a result for a package never queued, or for another transaction', () => {
    spec([registered]).when({ type: 'RecordEimPackageResult', ...by, counter: 7, transactionId: 'zz', seq: 1, outcome: { refused: 'replay' } }).thenFails('unknown-package', 'invalid');
    spec([registered, queued(1, 'a1', enableAway)]).when({ type: 'RecordEimPackageResult', ...by, counter: 1, transactionId: 'other', seq: 1, outcome: { refused: 'replay' } }).thenFails('unknown-package', 'invalid');
  });

  it('a refused package leaves the profiles as they were and is no longer pending', () => {
    const refused: SimEvent = { type: 'EimPackageRefused', data: { counter: 1, transactionId: 'a1', seq: 1, reason: 'invalid-signature' } };
    const sim = fold(simDecider, simDecider.initialState, [registered, queued(1, 'a1', enableAway), refused]);
    expect(sim.status !== 'unregistered' && sim.eim).toEqual({ counter: 1, pending: [] });
    expect(states([registered, queued(1, 'a1', enableAway), refused])).toEqual(states([registered]));
  });
});
