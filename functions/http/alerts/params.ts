import { AlertId, parseAlertId } from '../../../domain/alerts/events.ts';
import { alertStream } from '../../../application/stream-ids.ts';
import { validationProblem } from '../problem.ts';
import { pathParam } from '../path-params.ts';
import type { HttpRequest } from '../http-handler.ts';

/** The alert a path names, and the stream it is on (the tenant's: another tenant's alert is not found). */
export const alertParam = (request: HttpRequest) => {
  const alertId = pathParam(request, 'alertId');
  const parsed = parseAlertId(alertId);
  if (!parsed) throw validationProblem(AlertId.safeParse('').error!, '/path/alertId');
  return { alertId, stream: alertStream(request.caller.tenant, parsed.subject, parsed.kind), seq: parsed.seq };
};
