import { describe, it } from 'vitest';
import { alertDecider } from '../../domain/alerts/decider.ts';
import type { AlertEvent } from '../../domain/alerts/events.ts';
import type { Detection } from '../../domain/signals/detectors.ts';
import { specFor } from '../support/given.ts';
import { eid, iccid } from '../support/ids.ts';

/** A SIM's alerts of one kind (domain/alerts/decider.ts): one open at a time; repeats count; people acknowledge and resolve. */
const given = specFor(alertDecider);
const EID = eid(71);
const detection: Detection = { kind: 'imei-mismatch', iccid: iccid(71), evidence: { signal: 'session', seenImei: '356938035643809' } };
const id = `alert-imei-mismatch-${EID}-1`;
const raised: AlertEvent = { type: 'SecurityAlertRaised', data: { alertId: id, kind: 'imei-mismatch', eid: EID, iccid: iccid(71), evidence: detection.evidence, at: '2026-12-05T10:00:00.000Z' } };
const resolved: AlertEvent = { type: 'SecurityAlertResolved', data: { alertId: id, by: 'sec-bob', reason: 'device recovered' } };

describe('alerts', () => {
  it('given none open, when something is detected, then an alert is raised; while it is open, the same again repeats it', () => {
    given([]).when({ type: 'RecordDetection', eid: EID, detection, at: '2026-12-05T10:00:00.000Z' }).then([raised]);
    given([raised]).when({ type: 'RecordDetection', eid: EID, detection, at: '2026-12-05T10:01:00.000Z' }).then([
      { type: 'SecurityAlertRepeated', data: { alertId: id, evidence: detection.evidence, at: '2026-12-05T10:01:00.000Z' } },
    ]);
  });
  it('acknowledged once by a person, resolved with who and why; detected again after that, a new alert', () => {
    given([raised]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'sec-alice' }).then([{ type: 'SecurityAlertAcknowledged', data: { alertId: id, by: 'sec-alice' } }]);
    given([raised, { type: 'SecurityAlertAcknowledged', data: { alertId: id, by: 'sec-alice' } }]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'sec-carol' }).then([]);
    given([raised]).when({ type: 'ResolveAlert', alertId: id, by: 'sec-bob', reason: 'device recovered' }).then([resolved]);
    given([raised, resolved]).when({ type: 'ResolveAlert', alertId: id, by: 'sec-bob' }).then([]);
    given([raised, resolved]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'sec-bob' }).thenFails('alert-resolved', 'conflict');
    given([raised, resolved]).when({ type: 'RecordDetection', eid: EID, detection, at: '2026-12-05T11:00:00.000Z' }).then([
      { type: 'SecurityAlertRaised', data: { alertId: `alert-imei-mismatch-${EID}-2`, kind: 'imei-mismatch', eid: EID, iccid: iccid(71), evidence: detection.evidence, at: '2026-12-05T11:00:00.000Z' } },
    ]);
  });
  it('refuses an alert it never raised', () => {
    given([raised]).when({ type: 'ResolveAlert', alertId: `alert-imei-mismatch-${EID}-7`, by: 'x' }).thenFails('alert-not-found', 'not-found');
    given([]).when({ type: 'AcknowledgeAlert', alertId: id, by: 'x' }).thenFails('alert-not-found', 'not-found');
  });
});
