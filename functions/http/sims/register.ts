import { z } from 'zod';
import { identifierClaimDecider } from '../../../domain/identifier-claim/decider.ts';
import { Eid, Imei } from '../../../domain/identifiers/index.ts';
import { simDecider } from '../../../domain/sim/decider.ts';
import { Labels, Profile } from '../../../domain/sim/events.ts';
import { executeCommand } from '../../command.ts';
import { eventStore } from '../../config.ts';
import { enterpriseStream, identifierClaimStream, simStream } from '../../event-store/stream-ids.ts';
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
  labels: Labels.optional(),
});

/**
 * POST /v1/sims: checks the SIM against the enterprise's MNOs, claims its EID, ICCIDs and IMSIs
 * for it (platform-wide: an operator knows a SIM by its ICCID), then registers it in inventory.
 */
export const handler = httpHandler('POST /v1/sims', async (request) => {
  const body = bodyOf(request, RegisterSim);
  const context = commandContext(request);
  const tenant = request.caller.tenant;
  const { state: enterprise } = await loadState(eventStore, enterpriseDecider, enterpriseStream(tenant));
  const allowedMnos = enterprise.status === 'none' ? [] : enterprise.mnos;
  const command = { type: 'RegisterSim' as const, actor: context.actor, allowedMnos, ...body };
  // Decided on an empty SIM first, so a registration the SIM would refuse claims nothing.
  simDecider.decide(command, simDecider.initialState);
  const holder = { tenant, eid: body.eid };
  const claims = [
    { kind: 'eid' as const, value: body.eid },
    ...body.profiles.flatMap((p) => [
      { kind: 'iccid' as const, value: p.iccid },
      { kind: 'imsi' as const, value: p.imsi },
    ]),
  ];
  await Promise.all(
    claims.map(({ kind, value }) =>
      executeCommand(eventStore, identifierClaimDecider, identifierClaimStream(kind, value), { type: 'ClaimIdentifier', kind, holder }, { ...context, expectedVersion: undefined }),
    ),
  );
  const { state, head } = await executeCommand(eventStore, simDecider, simStream(tenant, body.eid), command, context);
  return json(201, simView(state, head.version), { etag: etag(head.version), location: `/v1/sims/${body.eid}` });
});
