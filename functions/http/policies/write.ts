import { randomUUID } from 'node:crypto';
import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { eventsOf } from '../../../domain/event-store.ts';
import { policyDecider } from '../../../domain/policy/decider.ts';
import { PolicyDocument } from '../../../domain/policy/document.ts';
import { recordCascade } from '../../cascades.ts';
import { executeCommand } from '../../command.ts';
import { eventStore } from '../../config.ts';
import { enterpriseStream, policyStream } from '../../event-store/stream-ids.ts';
import { loadState } from '../../load-state.ts';
import { httpHandler } from '../http-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { policyParam } from './params.ts';

/** PUT /v1/policies/{policyId}: sets the draft; every invalid rule is a 400 naming it. */
export const setDraft = httpHandler('PUT /v1/policies/{policyId}', async (request) => {
  const policyId = policyParam(request);
  const document = bodyOf(request, PolicyDocument);
  const { state, head } = await executeCommand(
    eventStore,
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
export const publish = httpHandler('POST /v1/policies/{policyId}/publish', async (request) => {
  const policyId = policyParam(request);
  const tenant = request.caller.tenant;
  const context = commandContext(request);
  const cascadeId = randomUUID();
  const stream = policyStream(tenant, policyId);
  const { state, changed } = await executeCommand(eventStore, policyDecider, stream, { type: 'PublishPolicy', policyId, cascadeId, actor: context.actor }, context);
  const enterprise = (await loadState(eventStore, enterpriseDecider, enterpriseStream(tenant))).state;
  const targets = enterprise.status === 'none' ? [] : [...enterprise.mnos];
  if (!changed) {
    // Unchanged: nothing to publish, but make sure the latest version's cascade is recorded (a
    // publish that failed after PolicyPublished is healed by its retry; a no-op otherwise).
    const latest = eventsOf((await eventStore.load(stream)).commits).findLast((e) => e.type === 'PolicyPublished');
    const latestCascade = (latest?.data as { cascadeId?: string } | undefined)?.cascadeId;
    if (latestCascade) await recordCascade(eventStore, tenant, latestCascade, { kind: 'policy', policyId, version: state.latestVersion }, targets, context);
    return json(200, { version: state.latestVersion, cascadeId: latestCascade ?? null, unchanged: true });
  }
  await recordCascade(eventStore, tenant, cascadeId, { kind: 'policy', policyId, version: state.latestVersion }, targets, context);
  return json(202, { version: state.latestVersion, cascadeId }, { location: `/v1/cascades/${cascadeId}` });
});
