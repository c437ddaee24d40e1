import type { SimCommand } from '../../../domain/sim/commands.ts';
import { simDecider } from '../../../domain/sim/decider.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import type { IdempotentRouteKey } from '../../../manifest/routes.ts';
import { bodyOf, commandContext, eidParam } from '../request.ts';
import { WithReason } from '../reason.ts';
import { etag, json } from '../responses.ts';
import { simView } from '../../../application/views/sims.ts';

/** One lifecycle command on one SIM: 200 with the SIM as it now is (or `status` for an accepted request). */
const lifecycleHandler = (key: IdempotentRouteKey, type: Exclude<SimCommand['type'], 'RegisterSim'>, status = 200) =>
  idempotentHandler(key, async (request) => {
    const eid = eidParam(request);
    const { reason } = bodyOf(request, WithReason, {});
    const context = commandContext(request);
    const command = { type, actor: context.actor, reason } as SimCommand;
    const { state, head } = await executeCommand(adapters.eventStore, simDecider, simStream(request.caller.tenant, eid), command, context);
    return json(status, simView(state, head.version), { etag: etag(head.version) });
  });

export const activate = lifecycleHandler('POST /v1/sims/{eid}/activate', 'ActivateSim');
export const suspend = lifecycleHandler('POST /v1/sims/{eid}/suspend', 'SuspendSim');
export const resume = lifecycleHandler('POST /v1/sims/{eid}/resume', 'ResumeSim');
/** Termination is final, so it takes two people: this request waits for another's approval. */
export const terminate = lifecycleHandler('POST /v1/sims/{eid}/terminate', 'RequestTermination', 202);
export const approveTermination = lifecycleHandler('POST /v1/sims/{eid}/terminate/approve', 'ApproveTermination');
export const cancelTermination = lifecycleHandler('POST /v1/sims/{eid}/terminate/cancel', 'CancelTermination');
