import { executeCommand } from '../../../application/command.ts';
import { alertDetail } from '../../../application/views/alerts.ts';
import { alertDecider } from '../../../domain/alerts/decider.ts';
import type { AlertEvent } from '../../../domain/alerts/events.ts';
import { readEvents } from '../../../domain/events.ts';
import { eventsOf } from '../../../domain/event-store.ts';
import { adapters } from '../../lambda/wiring.ts';
import type { IdempotentRouteKey } from '../../../manifest/routes.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { WithReason } from '../reason.ts';
import { etag, json } from '../responses.ts';
import { alertParam } from './params.ts';

const answer = async (stream: string, alertId: string) => {
  const { head, commits } = await adapters.eventStore.load(stream);
  return json(200, alertDetail(readEvents<AlertEvent>(eventsOf(commits), alertDecider.events), alertId), { etag: etag(head.version) });
};

/** A person's command on an alert, `{ reason? }`, by the token's subject; answers the alert as it now is. */
const alertCommand = (route: IdempotentRouteKey, type: 'AcknowledgeAlert' | 'ResolveAlert') =>
  idempotentHandler(route, async (request) => {
    const { alertId, stream } = alertParam(request);
    const { reason } = bodyOf(request, WithReason, {});
    const context = commandContext(request);
    await executeCommand(adapters.eventStore, alertDecider, stream, { type, alertId, by: context.actor, reason }, context);
    return answer(stream, alertId);
  });

/** POST /v1/alerts/{alertId}/acknowledge `{ reason? }`: someone is on it. 409 once it is resolved. */
export const acknowledge = alertCommand('POST /v1/alerts/{alertId}/acknowledge', 'AcknowledgeAlert');

/**
 * POST /v1/alerts/{alertId}/resolve `{ reason? }`: it is dealt with; the next detection of its kind
 * on the SIM raises a new alert. Resolving does not release a SIM it contained: that is the SIM's
 * own resume.
 */
export const resolve = alertCommand('POST /v1/alerts/{alertId}/resolve', 'ResolveAlert');
