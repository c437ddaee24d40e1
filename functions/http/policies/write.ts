import { randomUUID } from 'node:crypto';
import { executeCommand } from '../../../application/command.ts';
import { publishPolicy } from '../../../application/policies/publish.ts';
import { startCascade } from '../../lambda/cascade-start-wiring.ts';
import { policyStream } from '../../../application/stream-ids.ts';
import { policyDecider } from '../../../domain/policy/decider.ts';
import { PolicyDocument } from '../../../domain/policy/document.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { policyParam } from './params.ts';
import type * as z from '../../../domain/zod-mini.ts';
import type { PolicyUnchanged } from '../../../application/views/policies.schema.ts';

/** PUT /v1/policies/{policyId}: sets the draft; every invalid rule is a 400 naming it. */
export const setDraft = httpHandler('PUT /v1/policies/{policyId}', async (request) => {
  const policyId = policyParam(request);
  const document = bodyOf(request, PolicyDocument);
  const { state, head } = await executeCommand(
    adapters.eventStore,
    policyDecider,
    policyStream(request.caller.tenant, policyId),
    { type: 'SetPolicyDraft', policyId, document, actor: request.caller.subject },
    commandContext(request),
  );
  return json(200, { policyId, draft: state.draft, latestVersion: state.latestVersion }, { etag: etag(head.version) });
});

/**
 * POST /v1/policies/{policyId}/publish: freezes the draft as the next version and cascades it to
 * every MNO the enterprise works with → 202 { version, cascadeId }. An unchanged draft is a no-op
 * (200, the latest version and its cascade).
 */
export const publish = idempotentHandler('POST /v1/policies/{policyId}/publish', async (request) => {
  const { version, cascadeId, changed } = await publishPolicy(adapters.eventStore, request.caller.tenant, policyParam(request), randomUUID(), commandContext(request), startCascade);
  if (!changed) return json(200, { version, cascadeId, unchanged: true } satisfies z.output<typeof PolicyUnchanged>);
  return json(202, { version, cascadeId }, { location: `/v1/cascades/${cascadeId}` });
});
