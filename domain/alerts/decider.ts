import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import { eventSchemas } from '../events.ts';
import type { AlertKind, Detection } from '../signals/detectors.ts';
import { AlertEvents, alertIdOf, type AlertEvent } from './events.ts';

export interface OpenAlert {
  alertId: string;
  kind: AlertKind;
  eid: string;
  iccid: string;
  status: 'open' | 'acknowledged';
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The latest evidence (the first is in its raise event). */
  evidence: Detection['evidence'];
  acknowledgedBy?: string | undefined;
}

export interface AlertState {
  /** How many alerts of this kind the SIM has had (the next one's number is one more). */
  seq: number;
  current?: OpenAlert | undefined;
}

export type AlertCommand =
  | { type: 'RecordDetection'; eid: string; detection: Detection; at: string }
  | { type: 'AcknowledgeAlert'; alertId: string; by: string; reason?: string | undefined }
  | { type: 'ResolveAlert'; alertId: string; by: string; reason?: string | undefined };

const seqOf = (alertId: string) => Number(alertId.slice(alertId.lastIndexOf('-') + 1));

/** An alert this stream raised: the open one, or one resolved before (its number is not above the count). */
const known = (state: AlertState, alertId: string) => state.current?.alertId === alertId || (seqOf(alertId) >= 1 && seqOf(alertId) <= state.seq);

export const alertDecider: Decider<AlertCommand, AlertEvent, AlertState> = {
  events: eventSchemas(AlertEvents),
  initialState: { seq: 0 },

  decide(command, state) {
    switch (command.type) {
      case 'RecordDetection': {
        const { detection, at } = command;
        if (state.current) return [{ type: 'SecurityAlertRepeated', data: { alertId: state.current.alertId, evidence: detection.evidence, at } }];
        const alertId = alertIdOf(detection.kind, command.eid, state.seq + 1);
        return [{ type: 'SecurityAlertRaised', data: { alertId, kind: detection.kind, eid: command.eid, iccid: detection.iccid, evidence: detection.evidence, at } }];
      }
      case 'AcknowledgeAlert': {
        if (!known(state, command.alertId)) throw new DomainError('not-found', 'alert-not-found', 'alert not found');
        if (state.current?.alertId !== command.alertId) throw new DomainError('conflict', 'alert-resolved', 'the alert is resolved already');
        if (state.current.status === 'acknowledged') return [];
        return [{ type: 'SecurityAlertAcknowledged', data: { alertId: command.alertId, by: command.by, ...(command.reason && { reason: command.reason }) } }];
      }
      case 'ResolveAlert': {
        if (!known(state, command.alertId)) throw new DomainError('not-found', 'alert-not-found', 'alert not found');
        if (state.current?.alertId !== command.alertId) return [];
        return [{ type: 'SecurityAlertResolved', data: { alertId: command.alertId, by: command.by, ...(command.reason && { reason: command.reason }) } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SecurityAlertRaised': {
        const { alertId, kind, eid, iccid, evidence, at } = event.data;
        return { seq: state.seq + 1, current: { alertId, kind, eid, iccid, status: 'open', count: 1, firstSeen: at, lastSeen: at, evidence } };
      }
      case 'SecurityAlertRepeated':
        return state.current ? { ...state, current: { ...state.current, count: state.current.count + 1, lastSeen: event.data.at, evidence: event.data.evidence } } : state;
      case 'SecurityAlertAcknowledged':
        return state.current ? { ...state, current: { ...state.current, status: 'acknowledged', acknowledgedBy: event.data.by } } : state;
      case 'SecurityAlertResolved':
        return { ...state, current: undefined };
    }
  },
};
