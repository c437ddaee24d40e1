import { alertDecider, type Alert, type AlertState } from '../../domain/alerts/decider.ts';
import type { AlertEvent } from '../../domain/alerts/events.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { AlertDetail, AlertSummary } from './alerts.schema.ts';

/** An alert as the API shows it, in lists and on its own page. */
export const alertSummary = (a: Alert): z.output<typeof AlertSummary> => ({
  id: a.alertId,
  kind: a.kind,
  status: a.status,
  ...(a.eid && { eid: a.eid, iccid: a.iccid }),
  ...(a.policyId && { policyId: a.policyId }),
  mno: a.mno,
  count: a.count,
  firstSeen: a.firstSeen,
  lastSeen: a.lastSeen,
  response: a.response,
  contained: a.contained,
  ...(a.acknowledged && { acknowledged: a.acknowledged }),
  ...(a.resolved && { resolved: a.resolved }),
});

/**
 * One alert of a SIM's stream of that kind (the latest, or an earlier one), with its evidence: what
 * raised it and what was seen last. Undefined when the stream never raised it.
 */
export const alertDetail = (events: readonly AlertEvent[], alertId: string): z.output<typeof AlertDetail> | undefined => {
  let state: AlertState = alertDecider.initialState;
  let found: Alert | undefined;
  let firstEvidence: Alert['evidence'] | undefined;
  for (const event of events) {
    state = alertDecider.evolve(state, event);
    if (state.latest?.alertId !== alertId) continue;
    found = state.latest;
    if (event.type === 'SecurityAlertRaised') firstEvidence = event.data.evidence;
  }
  return found && { ...alertSummary(found), evidence: { first: firstEvidence ?? found.evidence, last: found.evidence } };
};
