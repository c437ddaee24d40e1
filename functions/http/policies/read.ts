import { eventsOf } from '../../../domain/event-store.ts';
import { compilePolicy } from '../../../domain/policy/compile.ts';
import { policyDecider } from '../../../domain/policy/decider.ts';
import type { PolicyRule } from '../../../domain/policy/rules.ts';
import { adapters } from '../../lambda/wiring.ts';
import { policyStream } from '../../../application/stream-ids.ts';
import { loadState } from '../../../application/load-state.ts';
import { loadMno } from '../../../application/mnos.ts';
import { httpHandler, type HttpRequest } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { etag, json } from '../responses.ts';
import { policyParam, versionParam } from './params.ts';
import { EffectiveQuery } from './requests.ts';
import type * as z from '../../../domain/zod-mini.ts';
import type { EffectivePolicy, PolicyVersion } from '../../../application/views/policies.schema.ts';

const loadPolicy = async (request: HttpRequest) => {
  const policyId = policyParam(request);
  const { state, head } = await loadState(adapters.eventStore, policyDecider, policyStream(request.caller.tenant, policyId));
  if (state.draft === undefined) throw problem(404, 'policy-not-found', 'policy not found');
  return { policyId, state, head };
};

const publishedVersion = async (request: HttpRequest) => {
  const { policyId, state } = await loadPolicy(request);
  const version = versionParam(request);
  const document = state.published[version];
  if (!document) throw problem(404, 'version-not-found', `policy ${policyId} has no version ${version}`);
  return { policyId, version, document };
};

/** GET /v1/policies/{policyId}: the draft and the published versions. */
export const get = httpHandler('GET /v1/policies/{policyId}', async (request) => {
  const { policyId, state, head } = await loadPolicy(request);
  const versions = Object.keys(state.published).map(Number).sort((a, b) => a - b);
  return json(200, { policyId, draft: state.draft, latestVersion: state.latestVersion, versions }, { etag: etag(head.version) });
});

/** GET /v1/policies/{policyId}/versions/{version}: a published version and the cascade that carried it. */
export const version = httpHandler('GET /v1/policies/{policyId}/versions/{version}', async (request) => {
  const { policyId, version, document } = await publishedVersion(request);
  const { commits } = await adapters.eventStore.load(policyStream(request.caller.tenant, policyId));
  const published = eventsOf(commits).find((e) => e.type === 'PolicyPublished' && (e.data as { version: number }).version === version);
  return json(200, { policyId, version, document, cascadeId: (published?.data as { cascadeId?: string }).cascadeId ?? null } satisfies z.output<typeof PolicyVersion>);
});

/** GET /v1/policies/{policyId}/versions/{version}/effective?mno=<id>: what that MNO enforces, and every rule it cannot. */
export const effective = httpHandler('GET /v1/policies/{policyId}/versions/{version}/effective', async (request) => {
  const mnoId = request.query.mno;
  const { policyId, version, document } = await publishedVersion(request);
  const mno = await loadMno(adapters.eventStore, mnoId);
  if (mno.status === 'unknown') throw problem(404, 'mno-not-found', 'MNO not found');
  const { effective, unenforceable } = compilePolicy(document, mno.registration.capabilities as PolicyRule[]);
  return json(200, { policyId, version, mno: mnoId, effective, unenforceable } satisfies z.output<typeof EffectivePolicy>);
}, EffectiveQuery);
