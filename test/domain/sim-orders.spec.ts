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
    const installed: SimEvent = { type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'installation', ok: true, callId: 'c1' } };
    given([registered, requested, placed]).when({ ...alice, type: 'RecordDownloadProgress', iccid: ordered, point: 'installation', ok: true, callId: 'c1' }).then([installed]);
    // Installed, it can be enabled; before, an enable is refused (the eUICC does not hold it).
    given([registered, requested, placed, installed]).when({ ...alice, type: 'QueueEimPackage', transactionId: 'aa', psmos: [{ op: 'enable', iccid: ordered }] }).then([
      { type: 'EimPackageQueued', data: { counter: 1, transactionId: 'aa', psmos: [{ op: 'enable', iccid: ordered }] } },
    ]);
    given([registered, requested, placed]).when({ ...alice, type: 'QueueEimPackage', transactionId: 'aa', psmos: [{ op: 'enable', iccid: ordered }] }).thenFails('psmo-refused');
  });
});

describe('profile orders when things go wrong', () => {
  const sim = (...events: SimEvent[]) => fold(simDecider, simDecider.initialState, [registered, requested, placed, ...events]) as RegisteredSim;
  it('a notification naming another EID (someone presented the code) is recorded and moves nothing: the trigger still waits', () => {
    const foreign: SimEvent = { type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'installation', ok: true, callId: 'x1', eid: eid(77) } };
    expect(sim(foreign)).toMatchObject({ orders: { triggers: [ordered] }, profiles: [{}, { iccid: ordered, state: 'ordered' }] });
  });
  it('a notification sent again (a retry, a replay) is recorded once', () => {
    const seen: SimEvent = { type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'eligibility', ok: true, callId: 'c7' } };
    given([registered, requested, placed, seen]).when({ ...alice, type: 'RecordDownloadProgress', iccid: ordered, point: 'eligibility', ok: true, callId: 'c7' }).then([]);
  });
  it('a download that fails on its own device deletes the profile not installed, so it can be ordered again', () => {
    const failed: SimEvent = { type: 'ProfileDownloadProgressed', data: { iccid: ordered, point: 'installation', ok: false, callId: 'c8', reason: 'no space' } };
    expect(sim(failed).profiles[1]!.state).toBe('deleted');
    given([registered, requested, placed, failed]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000003', mno: 'south', chosen: ['north', 'south'] }).then([
      { type: 'ProfileOrderRequested', data: { orderId: 'order-00000003', mno: 'south' } },
    ]);
  });
  it('a trigger is handed out once per fresh request: one not newer than the last that got it is refused', () => {
    const delivered: SimEvent = { type: 'ProfileDownloadTriggerDelivered', data: { iccid: ordered, requestAt: '2026-12-05T10:00:00.000Z' } };
    given([registered, requested, placed, delivered]).when({ ...alice, type: 'RecordTriggerDelivered', iccid: ordered, requestAt: '2026-12-05T10:00:00.000Z' }).thenFails('request-not-fresh', 'forbidden');
    given([registered, requested, placed, delivered]).when({ ...alice, type: 'RecordTriggerDelivered', iccid: ordered, requestAt: '2026-12-05T10:00:01.000Z' }).then([
      { type: 'ProfileDownloadTriggerDelivered', data: { iccid: ordered, requestAt: '2026-12-05T10:00:01.000Z' } },
    ]);
  });
  it('a SIM may have only so many profiles ordered and not yet installed', () => {
    given([registered, requested, placed]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000004', mno: 'east', chosen: ['north', 'south', 'east', 'west'] }).then([
      { type: 'ProfileOrderRequested', data: { orderId: 'order-00000004', mno: 'east' } },
    ]);
    const second: SimEvent = { type: 'ProfileOrderRequested', data: { orderId: 'order-00000004', mno: 'east' } };
    given([registered, requested, placed, second]).when({ ...alice, type: 'RequestProfileOrder', orderId: 'order-00000005', mno: 'west', chosen: ['north', 'south', 'east', 'west'] }).thenFails('orders-pending', 'conflict');
  });
});
