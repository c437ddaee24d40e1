import { listAlerts } from '../../../adapters/read-models/queries.ts';
import { alertDetail } from '../../../application/views/alerts.ts';
import { alertDecider } from '../../../domain/alerts/decider.ts';
import type { AlertEvent } from '../../../domain/alerts/events.ts';
import { readEvents } from '../../../domain/events.ts';
import { eventsOf } from '../../../domain/event-store.ts';
import { adapters, config, dynamodb } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { etag, json } from '../responses.ts';
import { alertParam } from './params.ts';
import { AlertsQuery } from './requests.ts';

/**
 * GET /v1/alerts[?status=open|acknowledged|resolved&kind=&eid=&limit=&cursor=]: the tenant's alerts,
 * newest first (each SIM's latest of each kind; earlier ones by id), from the read model.
 */
export const list = httpHandler(
  'GET /v1/alerts',
  async (request) => {
    const { cursor, ...filters } = request.query;
    return json(200, await listAlerts(dynamodb, config.readModelsTable, request.caller.tenant, { ...filters, after: cursor }));
  },
  AlertsQuery,
);

/** GET /v1/alerts/{alertId}: the alert from its stream, with the evidence that raised it and the latest. */
export const get = httpHandler('GET /v1/alerts/{alertId}', async (request) => {
  const { alertId, stream } = alertParam(request);
  const { head, commits } = await adapters.eventStore.load(stream);
  const detail = alertDetail(readEvents<AlertEvent>(eventsOf(commits), alertDecider.events), alertId);
  if (!detail) throw problem(404, 'alert-not-found', 'alert not found');
  return json(200, detail, { etag: etag(head.version) });
});
