import * as z from '../../../domain/zod-mini.ts';
import { registerSim } from '../../../application/sims/register.ts';
import { Eid, Imei } from '../../../domain/identifiers/index.ts';
import { Labels, ProfileInput } from '../../../domain/sim/events.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { simView } from '../../../application/views/sims.ts';

const RegisterSim = z.strictObject({
  eid: Eid,
  profiles: z.array(ProfileInput).check(z.minLength(1), z.maxLength(8)),
  imei: z.optional(Imei),
  labels: z.optional(Labels),
});

/**
 * POST /v1/sims: checks the SIM against the enterprise's MNOs, claims its EID, ICCIDs and IMSIs
 * for it (platform-wide: an operator knows a SIM by its ICCID), then registers it in inventory.
 */
export const handler = httpHandler('POST /v1/sims', async (request) => {
  const body = bodyOf(request, RegisterSim);
  const { state, head } = await registerSim(adapters.eventStore, request.caller.tenant, body, commandContext(request));
  return json(201, simView(state, head.version), { etag: etag(head.version), location: `/v1/sims/${body.eid}` });
});
