import { enterpriseDecider, type EnterpriseCommand } from '../../../domain/enterprise/decider.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { enterpriseStream } from '../../../application/stream-ids.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { forgetTenantStatus } from '../middleware/active-tenant.ts';
import { pathParam } from '../path-params.ts';
import { bodyOf, commandContext } from '../request.ts';
import { WithReason } from '../reason.ts';
import type { IdempotentRouteKey } from '../../../manifest/routes.ts';
import { etag, json } from '../responses.ts';
import { enterpriseView } from '../../../application/views/enterprises.ts';

const statusHandler = (key: IdempotentRouteKey, type: 'SuspendEnterprise' | 'ReinstateEnterprise') =>
  idempotentHandler(key, async (request) => {
    const tenantId = pathParam(request, 'tenantId');
    const { reason } = bodyOf(request, WithReason, {});
    const command: EnterpriseCommand = { type, reason };
    const { state, head } = await executeCommand(adapters.eventStore, enterpriseDecider, enterpriseStream(tenantId), command, commandContext(request));
    forgetTenantStatus(tenantId);
    return json(200, enterpriseView(state, head.version), { etag: etag(head.version) });
  });

/** A suspended tenant's requests are refused with 403 (within the tenant-status cache time everywhere). */
export const suspend = statusHandler('POST /v1/enterprises/{tenantId}/suspend', 'SuspendEnterprise');
export const reinstate = statusHandler('POST /v1/enterprises/{tenantId}/reinstate', 'ReinstateEnterprise');
