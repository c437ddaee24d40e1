import { Cascade, CascadePage } from '../../../../application/views/cascades.schema.ts';
import { EffectivePolicy, Policy, PolicyDraft, PolicyPublished, PolicyUnchanged, PolicyVersion } from '../../../../application/views/policies.schema.ts';
import { PolicyDocument } from '../../../../domain/policy/document.ts';
import { CascadesQuery } from '../../cascades/requests.ts';
import { EffectiveQuery } from '../../policies/requests.ts';
import { named, type Operations } from '../operation.ts';

const CascadeBody = named('Cascade', Cascade);

export const POLICY_OPERATIONS = {
  'PUT /v1/policies/{policyId}': {
    operationId: 'setPolicyDraft',
    summary: 'Set a policy’s draft',
    description:
      'Creates the policy with its first draft, or replaces the draft. Every part is optional: a rule left out does not restrict. Every invalid rule is a 400 naming it (`/data/destinations/2/cidr`). ' +
      'A draft equal to the current one changes nothing. Nothing reaches an MNO until the draft is published.',
    tag: 'Policies',
    body: named('PolicyDocument', PolicyDocument),
    ifMatch: true,
    responses: { 200: { description: 'The policy’s draft as set', body: named('PolicyDraft', PolicyDraft), headers: ['etag'] } },
  },
  'POST /v1/policies/{policyId}/publish': {
    operationId: 'publishPolicy',
    summary: 'Publish a policy’s draft',
    description:
      'Freezes the draft as the next version and cascades it to every MNO the enterprise works with (202, the cascade at `Location`). ' +
      'A draft equal to the latest version publishes nothing (200 `unchanged`, the latest version and its cascade).',
    tag: 'Policies',
    ifMatch: true,
    responses: {
      200: { description: 'Nothing to publish: the latest version and its cascade', body: named('PolicyUnchanged', PolicyUnchanged) },
      202: { description: 'Published: the version and the cascade that carries it', body: named('PolicyPublished', PolicyPublished), headers: ['location'] },
    },
    problems: ['policy-not-found'],
  },
  'GET /v1/policies/{policyId}': {
    operationId: 'getPolicy',
    summary: 'A policy',
    description: 'Its draft, its latest published version (0 before the first) and every version published.',
    tag: 'Policies',
    responses: { 200: { description: 'The policy', body: named('Policy', Policy), headers: ['etag'] } },
    problems: ['policy-not-found'],
  },
  'GET /v1/policies/{policyId}/versions/{version}': {
    operationId: 'getPolicyVersion',
    summary: 'A published version of a policy',
    description: 'The document as published, and the cascade that carried it to the MNOs.',
    tag: 'Policies',
    responses: { 200: { description: 'The version', body: named('PolicyVersion', PolicyVersion) } },
    problems: ['policy-not-found', 'version-not-found'],
  },
  'GET /v1/policies/{policyId}/versions/{version}/effective': {
    operationId: 'getEffectivePolicy',
    summary: 'What one MNO enforces of a published version',
    description:
      'The version compiled for the MNO’s capabilities: the rules it enforces (`effective`, without Switchboard’s own `responses` and `quarantine`), and every rule it cannot, each with what that means for the SIMs (`unenforceable`).',
    tag: 'Policies',
    query: EffectiveQuery,
    responses: { 200: { description: 'The version as the MNO enforces it', body: named('EffectivePolicy', EffectivePolicy) } },
    problems: ['policy-not-found', 'version-not-found', 'mno-not-found'],
  },
  'GET /v1/cascades': {
    operationId: 'listCascades',
    summary: 'The tenant’s cascades, newest first',
    description:
      'From the read model, filtered by status, each with `summary` (its targets per status), `startedAt` and `updatedAt`. The read model has every target’s outcome once a round has completed; ' +
      'while a round runs, its targets show as they were when it began (GET /v1/cascades/{cascadeId} shows them live). Eventually consistent.',
    tag: 'Cascades',
    query: CascadesQuery,
    responses: { 200: { description: 'A page of cascades; `nextCursor` is the next page’s `cursor`', body: named('CascadePage', CascadePage) } },
  },
  'GET /v1/cascades/{cascadeId}': {
    operationId: 'getCascade',
    summary: 'A cascade, live',
    description:
      'What it carries to the MNOs (`subject`: a policy version, or a SIM’s state) and how far each MNO got, rebuilt from its events and its running round’s targets’ own. ' +
      '`version`, and once a round has completed the ETag, are the cascade’s (what If-Match on redrive pins); while a round runs the answer changes with every step, so the ETag is weak and counts the steps too.',
    tag: 'Cascades',
    responses: { 200: { description: 'The cascade', body: CascadeBody, headers: ['etag'] } },
    problems: ['cascade-not-found'],
  },
  'POST /v1/cascades/{cascadeId}/redrive': {
    operationId: 'redriveCascade',
    summary: 'Run a cascade again for the MNOs that did not succeed',
    description:
      'A new round for every target neither verified nor superseded. Refused while a round runs (409 `cascade-running`), when every target succeeded or was superseded (409 `nothing-to-redrive`), ' +
      'and when a newer change has taken the cascade’s place (409 `cascade-superseded`, naming it: an older policy version or SIM state never overwrites a newer one at an MNO; redrive that one instead).',
    tag: 'Cascades',
    ifMatch: true,
    responses: { 202: { description: 'The cascade, its new round running', body: CascadeBody, headers: ['etag'] } },
    problems: ['cascade-not-found', 'cascade-running', 'cascade-superseded', 'nothing-to-redrive'],
  },
} satisfies Operations;
