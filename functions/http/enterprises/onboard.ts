import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { enterpriseStream } from '../../../application/stream-ids.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { enterpriseView } from '../../../application/views/enterprises.ts';
import { Onboard } from './requests.ts';

/** POST /v1/enterprises (platform): onboards a tenant; the same tenant id again → 409. */
export const handler = idempotentHandler('POST /v1/enterprises', async (request) => {
  const body = bodyOf(request, Onboard);
  const { state, head } = await executeCommand(adapters.eventStore, enterpriseDecider, enterpriseStream(body.tenantId), { type: 'OnboardEnterprise', ...body }, commandContext(request));
  return json(201, enterpriseView(state, head.version), { etag: etag(head.version), location: `/v1/enterprises/${body.tenantId}` });
});
