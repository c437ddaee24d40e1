import { registerSim } from '../../../application/sims/register.ts';
import { adapters } from '../../lambda/wiring.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { simView } from '../../../application/views/sims.ts';
import { RegisterSim } from './requests.ts';

/**
 * POST /v1/sims: checks the SIM against the enterprise's MNOs, claims its EID, ICCIDs and IMSIs
 * for it (platform-wide: an operator knows a SIM by its ICCID), then registers it in inventory.
 */
export const handler = idempotentHandler('POST /v1/sims', async (request) => {
  const body = bodyOf(request, RegisterSim);
  const { state, head } = await registerSim(adapters.eventStore, request.caller.tenant, body, commandContext(request));
  return json(201, simView(state, head.version), { etag: etag(head.version), location: `/v1/sims/${body.eid}` });
});
