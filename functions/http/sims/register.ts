import { z } from 'zod';
import { eidClaimDecider } from '../../../domain/eid-claim/decider.ts';
import { Eid, Imei } from '../../../domain/identifiers/index.ts';
import { simDecider } from '../../../domain/sim/decider.ts';
import { Profile } from '../../../domain/sim/events.ts';
import { executeCommand } from '../../command.ts';
import { eventStore } from '../../config.ts';
import { eidClaimStream, enterpriseStream, simStream } from '../../event-store/stream-ids.ts';
import { loadState } from '../../load-state.ts';
import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { httpHandler } from '../http-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { simView } from './representation.ts';

const RegisterSim = z.strictObject({
  eid: Eid,
  profiles: z.array(Profile).min(1).max(8),
  imei: Imei.optional(),
});

/**
 * POST /v1/sims: checks the profiles against the enterprise's MNOs, claims the EID for the tenant
 * (platform-wide), then registers the SIM in inventory.
 */
export const handler = httpHandler('POST /v1/sims', async (request) => {
  const body = bodyOf(request, RegisterSim);
  const context = commandContext(request);
  const tenant = request.caller.tenant;
  const { state: enterprise } = await loadState(eventStore, enterpriseDecider, enterpriseStream(tenant));
  const allowedMnos = enterprise.status === 'none' ? [] : enterprise.mnos;
  await executeCommand(eventStore, eidClaimDecider, eidClaimStream(body.eid), { type: 'ClaimEid', tenant }, { ...context, expectedVersion: undefined });
  const { state, head } = await executeCommand(eventStore, simDecider, simStream(tenant, body.eid), { type: 'RegisterSim', actor: context.actor, allowedMnos, ...body }, context);
  return json(201, simView(state, head.version), { etag: etag(head.version), location: `/v1/sims/${body.eid}` });
});
