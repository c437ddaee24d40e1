import { AlertId, parseAlertId } from '../../../domain/alerts/events.ts';
import { alertStream } from '../../../application/stream-ids.ts';
import { validationProblem } from '../problem.ts';
import type { HttpRequest } from '../http-handler.ts';

/** The alert a path names, and the stream it is on (the tenant's: another tenant's alert is not found). */
export const alertParam = (request: HttpRequest) => {
  const id = AlertId.safeParse(request.pathParameters?.alertId);
  const parsed = id.success ? parseAlertId(id.data) : undefined;
  if (!id.success || !parsed) throw validationProblem(id.success ? AlertId.safeParse('').error! : id.error, '/path/alertId');
  return { alertId: id.data, stream: alertStream(request.caller.tenant, parsed.subject, parsed.kind), seq: parsed.seq };
};
