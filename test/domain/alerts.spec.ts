import { describe, it } from 'vitest';
import { alertDecider } from '../../domain/alerts/decider.ts';
import type { AlertEvent } from '../../domain/alerts/events.ts';
import type { Detection } from '../../domain/signals/detectors.ts';
import { specFor } from '../support/given.ts';
import { eid, iccid } from '../support/ids.ts';

/** A SIM's alerts of one kind (domain/alerts/decider.ts): one open at a time; repeats count; the response is carried out once; people acknowledge and resolve. */
const given = specFor(alertDecider);
const EID = eid(71);
const detection: Detection = { kind: 'imei-mismatch', iccid: iccid(71), evidence: { signal: 'session', seenImei: '356938035643809' } };
const id = `alert-imei-mismatch-${EID}-1`;
const at = '2026-12-05T10:00:00.000Z';
const record = { type: 'RecordDetection', subject: { eid: EID }, mno: 'mno-a', detection, count: 1, response: 'suspend', at } as const;
const raised: AlertEvent = { type: 'SecurityAlertRaised', data: { alertId: id, kind: 'imei-mismatch', eid: EID, iccid: iccid(71), mno: 'mno-a', evidence: detection.evidence, response: 'suspend', at } };
const resolved: AlertEvent = { type: 'SecurityAlertResolved', data: { alertId: id, by: 'sec-bob', reason: 'device recovered' } };
const contained: AlertEvent = { type: 'SecurityAlertContained', data: { alertId: id, response: 'suspend' } };

describe('alerts', () => {
  it('given none open, when something is detected, then an alert is raised with the response asked; while it is open, the same again repeats it, counting each detection', () => {
    given([]).when(record).then([raised]);
    given([raised]).when({ ...record, count: 3, at: '2026-12-05T10:01:00.000Z' }).then([
      { type: 'SecurityAlertRepeated', data: { alertId: id, evidence: detection.evidence, count: 3, at: '2026-12-05T10:01:00.000Z' } },
    ]);
  });
  it('the response is recorded each time it is carried out, as the policy asked it then; an alert-only response, or a resolved alert, has none', () => {
    given([raised]).when({ type: 'RecordContainment', alertId: id, response: 'suspend' }).then([contained]);
    // Contained again after a person released the SIM while the alert stayed open: recorded again.
    given([raised, contained]).when({ type: 'RecordContainment', alertId: id, response: 'suspend' }).then([contained]);
    given([raised]).when({ type: 'RecordContainment', alertId: id, response: 'alert' }).then([]);
    given([raised, resolved]).when({ type: 'RecordContainment', alertId: id, response: 'suspend' }).then([]);
  });
  it('acknowledged once by a person, resolved with who and why; detected again after that, a new alert', () => {
    given([raised]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'sec-alice' }).then([{ type: 'SecurityAlertAcknowledged', data: { alertId: id, by: 'sec-alice' } }]);
    given([raised, { type: 'SecurityAlertAcknowledged', data: { alertId: id, by: 'sec-alice' } }]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'sec-carol' }).then([]);
    given([raised]).when({ type: 'ResolveAlert', alertId: id, by: 'sec-bob', reason: 'device recovered' }).then([resolved]);
    given([raised, resolved]).when({ type: 'ResolveAlert', alertId: id, by: 'sec-bob' }).then([]);
    given([raised, resolved]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'sec-bob' }).thenFails('alert-resolved', 'conflict');
    given([raised, resolved]).when({ ...record, response: 'alert', at: '2026-12-05T11:00:00.000Z' }).then([
      { type: 'SecurityAlertRaised', data: { alertId: `alert-imei-mismatch-${EID}-2`, kind: 'imei-mismatch', eid: EID, iccid: iccid(71), mno: 'mno-a', evidence: detection.evidence, response: 'alert', at: '2026-12-05T11:00:00.000Z' } },
    ]);
  });
  it('refuses an alert it never raised', () => {
    given([raised]).when({ type: 'ResolveAlert', alertId: `alert-imei-mismatch-${EID}-7`, by: 'x' }).thenFails('alert-not-found', 'not-found');
    given([]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'x' }).thenFails('alert-not-found', 'not-found');
  });
});

describe('alert ids', () => {
  it('name their kind, their subject (a SIM, or a policy at an MNO) and their number, and read back', async () => {
    const { alertIdOf, parseAlertId, subjectKey } = await import('../../domain/alerts/events.ts');
    const { expect } = await import('vitest');
    expect(parseAlertId(alertIdOf('imei-mismatch', EID, 3))).toEqual({ kind: 'imei-mismatch', subject: EID, seq: 3 });
    const policy = subjectKey({ policyId: 'fleet-eu', mno: 'north-de' });
    expect(parseAlertId(alertIdOf('policy-drift', policy, 12))).toEqual({ kind: 'policy-drift', subject: 'policy.fleet-eu.north-de', seq: 12 });
    expect(parseAlertId('alert-teleport-1-1')).toBeUndefined();
    expect(parseAlertId(`alert-imei-mismatch-${EID.slice(1)}-1`)).toBeUndefined();
  });
});
