import { mnoDecider, type MnoCommand } from '../../../domain/mno/decider.ts';
import { VerificationResults } from '../../../domain/mno/events.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { mnoStream } from '../../../application/stream-ids.ts';
import type { HttpRequest } from '../http-handler.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext, mnoParam } from '../request.ts';
import type { IdempotentRouteKey } from '../../../manifest/routes.ts';
import { etag, json } from '../responses.ts';
import { mnoView } from '../../../application/views/mnos.ts';
import { ClearOutage, DeclareOutage } from './requests.ts';

const mnoCommandHandler = (key: IdempotentRouteKey, toCommand: (request: HttpRequest) => MnoCommand) =>
  idempotentHandler(key, async (request) => {
    const id = mnoParam(request);
    const { state, head } = await executeCommand(adapters.eventStore, mnoDecider, mnoStream(id), toCommand(request), commandContext(request));
    return json(200, mnoView(state, head.version, true), { etag: etag(head.version) });
  });

/** The security checks' results: all required checks passed → verified, else quarantined. */
export const verification = mnoCommandHandler('POST /v1/mnos/{mnoId}/verification', (request) => ({
  type: 'RecordVerification',
  checks: bodyOf(request, VerificationResults),
}));
export const declareOutage = mnoCommandHandler('POST /v1/mnos/{mnoId}/outage', (request) => ({
  type: 'DeclareOutage',
  reason: bodyOf(request, DeclareOutage).reason,
}));
export const clearOutage = mnoCommandHandler('POST /v1/mnos/{mnoId}/outage/clear', (request) => ({
  type: 'ClearOutage',
  reason: bodyOf(request, ClearOutage, {}).reason,
}));
