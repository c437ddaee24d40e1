import { AlertDetail, AlertPage } from '../../../../application/views/alerts.schema.ts';
import { AlertsQuery } from '../../alerts/requests.ts';
import { WithReason } from '../../reason.ts';
import { named, type Operation, type Operations } from '../operation.ts';

const Alert = named('Alert', AlertDetail);
const Reason = named('Reason', WithReason);

const command = (operationId: string, summary: string, description: string): Operation => ({
  operationId,
  summary,
  description,
  tag: 'Alerts',
  body: Reason,
  bodyOptional: true,
  ifMatch: true,
  responses: { 200: { description: 'The alert as it now is', body: Alert, headers: ['etag'] } },
  problems: ['alert-not-found', 'alert-resolved'],
});

export const ALERT_OPERATIONS = {
  'GET /v1/alerts': {
    operationId: 'listAlerts',
    summary: 'The tenant’s alerts, newest first',
    description: 'Each SIM’s latest alert of each kind (earlier ones by id), from the read model, filtered by status, kind or SIM.',
    tag: 'Alerts',
    query: AlertsQuery,
    responses: { 200: { description: 'A page of alerts; `nextCursor` is the next page’s `cursor`', body: named('AlertPage', AlertPage) } },
  },
  'GET /v1/alerts/{alertId}': {
    operationId: 'getAlert',
    summary: 'An alert with its evidence',
    description: 'Rebuilt from its stream: what raised it (`evidence.first`) and what was seen last.',
    tag: 'Alerts',
    responses: { 200: { description: 'The alert', body: Alert, headers: ['etag'] } },
    problems: ['alert-not-found'],
  },
  'POST /v1/alerts/{alertId}/acknowledge': command('acknowledgeAlert', 'Acknowledge an alert', 'Someone is on it, by the token’s subject. 409 once it is resolved.'),
  'POST /v1/alerts/{alertId}/resolve': command(
    'resolveAlert',
    'Resolve an alert',
    'It is dealt with; the next detection of its kind on the SIM raises a new alert. Resolving does not release a SIM it contained: that is the SIM’s own resume.',
  ),
} satisfies Operations;
