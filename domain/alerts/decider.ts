import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import { eventSchemas } from '../events.ts';
import type { AlertKind, Response } from '../signals/alert-kinds.ts';
import type { Detection } from '../signals/detectors.ts';
import { AlertEvents, alertIdOf, subjectKey, type AlertEvent, type AlertSubject } from './events.ts';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  alertId: string;
  kind: AlertKind;
  /** A SIM's alert: the SIM and the profile the signal came from. */
  eid?: string | undefined;
  iccid?: string | undefined;
  /** A policy's alert (its drift at `mno`). */
  policyId?: string | undefined;
  mno: string;
  status: AlertStatus;
  /** Detections it stands for (repeats included). */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The latest evidence (the first is in its raise event). */
  evidence: Detection['evidence'];
  response: Response;
  /** The response was carried out (a SIM suspended). */
  contained: boolean;
  acknowledged?: { by: string; reason?: string | undefined } | undefined;
  resolved?: { by: string; reason?: string | undefined } | undefined;
}

export interface AlertState {
  /** How many alerts of this kind the SIM has had (the next one's number is one more). */
  seq: number;
  /** The latest: open, acknowledged, or resolved (then a new detection raises the next). */
  latest?: Alert | undefined;
}

export type AlertCommand =
  /** `count`: detections of one batch of signals, recorded as one. `response`: what the SIM's policy asks for this kind now. */
  | { type: 'RecordDetection'; subject: AlertSubject; mno: string; detection: Pick<Detection, 'kind' | 'evidence'> & { iccid?: string | undefined }; count: number; response: Response; at: string }
  /** The response, as the policy asked it when it was carried out. */
  | { type: 'RecordContainment'; alertId: string; response: Response }
  | { type: 'AcknowledgeAlert'; alertId: string; by: string; reason?: string | undefined }
  | { type: 'ResolveAlert'; alertId: string; by: string; reason?: string | undefined };

export const isOpen = (alert: Alert | undefined): alert is Alert => alert !== undefined && alert.status !== 'resolved';

const seqOf = (alertId: string) => Number(alertId.slice(alertId.lastIndexOf('-') + 1));

/** The alert a command names: the latest, or an earlier one of this stream (then resolved long since). */
const named = (state: AlertState, alertId: string): 'latest' | 'earlier' => {
  if (state.latest?.alertId === alertId) return 'latest';
  if (seqOf(alertId) >= 1 && seqOf(alertId) < state.seq) return 'earlier';
  throw new DomainError('not-found', 'alert-not-found', 'alert not found');
};

export const alertDecider: Decider<AlertCommand, AlertEvent, AlertState> = {
  events: eventSchemas(AlertEvents),
  initialState: { seq: 0 },

  decide(command, state) {
    switch (command.type) {
      case 'RecordDetection': {
        const { detection, at, count } = command;
        const many = count > 1 ? { count } : {};
        if (isOpen(state.latest)) return [{ type: 'SecurityAlertRepeated', data: { alertId: state.latest.alertId, evidence: detection.evidence, ...many, at } }];
        const alertId = alertIdOf(detection.kind, subjectKey(command.subject), state.seq + 1);
        const about = 'eid' in command.subject ? { eid: command.subject.eid, ...(detection.iccid && { iccid: detection.iccid }) } : { policyId: command.subject.policyId };
        return [{ type: 'SecurityAlertRaised', data: { alertId, kind: detection.kind, ...about, mno: command.mno, evidence: detection.evidence, ...many, response: command.response, at } }];
      }
      case 'RecordContainment': {
        const alert = state.latest;
        if (named(state, command.alertId) !== 'latest' || !alert || !isOpen(alert) || command.response === 'alert') return [];
        return [{ type: 'SecurityAlertContained', data: { alertId: alert.alertId, response: command.response } }];
      }
      case 'AcknowledgeAlert': {
        if (named(state, command.alertId) === 'earlier' || state.latest?.status === 'resolved') throw new DomainError('conflict', 'alert-resolved', 'the alert is resolved already');
        if (state.latest?.status === 'acknowledged') return [];
        return [{ type: 'SecurityAlertAcknowledged', data: { alertId: command.alertId, by: command.by, ...(command.reason && { reason: command.reason }) } }];
      }
      case 'ResolveAlert': {
        if (named(state, command.alertId) === 'earlier' || state.latest?.status === 'resolved') return [];
        return [{ type: 'SecurityAlertResolved', data: { alertId: command.alertId, by: command.by, ...(command.reason && { reason: command.reason }) } }];
      }
    }
  },

  evolve(state, event) {
    const latest = state.latest;
    switch (event.type) {
      case 'SecurityAlertRaised': {
        const { alertId, kind, eid, iccid, policyId, mno, evidence, at, count, response } = event.data;
        return { seq: state.seq + 1, latest: { alertId, kind, eid, iccid, policyId, mno, status: 'open', count: count ?? 1, firstSeen: at, lastSeen: at, evidence, response: response ?? 'alert', contained: false } };
      }
      case 'SecurityAlertRepeated':
        return latest ? { ...state, latest: { ...latest, count: latest.count + (event.data.count ?? 1), lastSeen: event.data.at, evidence: event.data.evidence } } : state;
      case 'SecurityAlertContained':
        return latest ? { ...state, latest: { ...latest, contained: true, response: event.data.response } } : state;
      case 'SecurityAlertAcknowledged':
        return latest ? { ...state, latest: { ...latest, status: 'acknowledged', acknowledged: { by: event.data.by, reason: event.data.reason } } } : state;
      case 'SecurityAlertResolved':
        return latest ? { ...state, latest: { ...latest, status: 'resolved', resolved: { by: event.data.by, reason: event.data.reason } } } : state;
    }
  },
};
