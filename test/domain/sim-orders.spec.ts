import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import type { RegisteredSim } from '../../domain/sim/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';
import { specFor } from '../support/given.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

/** Profiles ordered from an SM-DP+ (domain/sim/orders.ts), as the SIM's decider decides them. */
const given = specFor(simDecider);
const EID = eid(51);
const [home, ordered] = [iccid(511), iccid(512)];
const registered: SimEvent = { type: 'SimRegistered', data: { eid: EID, profiles: [{ iccid: home, mno: 'north', imsi: imsi(511), fallback: false, state: 'enabled' }] } };
const requested: SimEvent = { type: 'ProfileOrderRequested', data: { orderId: 'order-00000001', mno: 'south' } };
const placed: SimEvent = { type: 'ProfileOrdered', data: { orderId: 'order-00000001', iccid: ordered, mno: 'south' } };
const alice = { actor: 'alice' };

describe('ordering a profile from an SM-DP+', () => {
  it('given a SIM, when a profile is ordered from one of the enterprise’s MNOs, then the order is requested once', () => {
    given([registered]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000001', mno: 'south', chosen: ['north', 'south'] }).then([requested]);
    given([registered, requested]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000001', mno: 'south', chosen: ['north', 'south'] }).then([]);
  });
  it('refuses an MNO the enterprise has not chosen, one the SIM has a profile on, and a second order while one is under way', () => {
    given([registered]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000002', mno: 'east', chosen: ['north', 'south'] }).thenFails('mno-not-chosen', 'invalid');
    given([registered]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000002', mno: 'north', chosen: ['north', 'south'] }).thenFails('profile-on-mno-exists', 'conflict');
    given([registered, requested]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000002', mno: 'south', chosen: ['north', 'south'] }).thenFails('order-in-progress', 'conflict');
  });
  it('when the SM-DP+ took the order, then the profile is `ordered` and its trigger waits for the device; a refusal settles the order', () => {
    given([registered, requested]).when({ ...alice, type: 'RecordProfileOrdered', orderId: 'order-00000001', iccid: ordered }).then([placed]);
    given([registered, requested, placed]).when({ ...alice, type: 'RecordProfileOrdered', orderId: 'order-00000001', iccid: ordered }).then([]);
    given([registered, requested]).when({ ...alice, type: 'RecordProfileOrderFailed', orderId: 'order-00000001', reason: 'no profile of that type' }).then([
      { type: 'ProfileOrderFailed', data: { orderId: 'order-00000001', mno: 'south', reason: 'no profile of that type' } },
    ]);
  });
  it('notifications move the profile to downloading, then disabled once installed (and the trigger is no longer handed out); a failure is recorded and moves nothing', () => {
    const sim = (...events: SimEvent[]) => fold(simDecider, simDecider.initialState, [registered, requested, placed, ...events]) as RegisteredSim;
    expect(sim().orders.triggers).toEqual([ordered]);
    expect(sim({ type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'eligibility', ok: true } })).toMatchObject({ orders: { triggers: [] }, profiles: [{}, { iccid: ordered, state: 'downloading' }] });
    const refused: SimEvent = { type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'eligibility', ok: false, eid: eid(99), reason: 'matching id used' } };
    expect(sim({ type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'installation', ok: true } }, refused).profiles[1]!.state).toBe('disabled');
    const installed: SimEvent = { type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'installation', ok: true } };
    given([registered, requested, placed]).when({ ...alice, type: 'RecordDownloadProgress', iccid: ordered, point: 'installation', ok: true }).then([installed]);
    // Installed, it can be enabled; before, an enable is refused (the eUICC does not hold it).
    given([registered, requested, placed, installed]).when({ ...alice, type: 'QueueEimPackage', transactionId: 'aa', psmos: [{ op: 'enable', iccid: ordered }] }).then([
      { type: 'EimPackageQueued', data: { counter: 1, transactionId: 'aa', psmos: [{ op: 'enable', iccid: ordered }] } },
    ]);
    given([registered, requested, placed]).when({ ...alice, type: 'QueueEimPackage', transactionId: 'aa', psmos: [{ op: 'enable', iccid: ordered }] }).thenFails('psmo-refused');
  });
});
