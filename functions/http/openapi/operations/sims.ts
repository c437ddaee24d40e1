import { ChainVerification, EimPackage, ProfileOrderAccepted, QueuedEimPackage, Sim, SimEventPage, SimPage } from '../../../../application/views/sims.schema.ts';
import { Usage } from '../../../../application/views/usage.schema.ts';
import { WithReason } from '../../reason.ts';
import { EnableProfile, OrderProfile, RegisterSim, SetLabels, SimEventsQuery, SimQuery, SimsQuery, UsageQuery } from '../../sims/requests.ts';
import { named, type Operation, type Operations } from '../operation.ts';
import type { ProblemCode } from '../problem-types.ts';

const SimBody = named('Sim', Sim);
const Reason = named('Reason', WithReason);

/** A lifecycle command: an optional reason, If-Match, the SIM as it now is. */
const lifecycle = (operationId: string, summary: string, description: string, problems: readonly ProblemCode[], status: 200 | 202 = 200): Operation => ({
  operationId,
  summary,
  description,
  tag: 'SIMs',
  body: Reason,
  bodyOptional: true,
  ifMatch: true,
  responses: { [status]: { description: status === 202 ? 'The termination is requested: the SIM as it now is, waiting for a second approval' : 'The SIM as it now is', body: SimBody, headers: ['etag'] } },
  problems: ['sim-not-found', 'sim-terminated', ...problems],
});

export const SIM_OPERATIONS = {
  'POST /v1/sims': {
    operationId: 'registerSim',
    summary: 'Register a SIM',
    description:
      'Checks the SIM against the enterprise’s MNOs (each profile on an MNO the enterprise has chosen, its IMSI of one of that MNO’s PLMNs), ' +
      'claims its EID, ICCIDs and IMSIs for it (platform-wide: an operator knows a SIM by its ICCID), then registers it in `inventory`. ' +
      '`enabled` marks the profile the eUICC has enabled (else the first that is not the fallback).',
    tag: 'SIMs',
    body: named('RegisterSim', RegisterSim),
    ifMatch: true,
    responses: { 201: { description: 'The SIM, registered', body: SimBody, headers: ['etag', 'location'] } },
    problems: ['sim-already-registered', 'iccid-in-use', 'imsi-in-use', 'registration-in-progress', 'mno-not-chosen', 'imsi-not-of-mno', 'fallback-profiles', 'enabled-profiles', 'duplicate-iccid', 'duplicate-imsi'],
  },
  'GET /v1/sims': {
    operationId: 'listSims',
    summary: 'The tenant’s SIMs, in EID order',
    description:
      'From the read model (eventually consistent: a command shows here once the projector has seen it), filtered by lifecycle state, MNO, the MNO of the enabled profile, label, ' +
      'or being over a data or SMS cap this cycle (`overCap=true`: an open or acknowledged usage-over-cap alert). ' +
      '`nextCursor` is present while more may follow; a page can hold fewer than `limit` items when a filter matches few SIMs.',
    tag: 'SIMs',
    query: SimsQuery,
    responses: { 200: { description: 'A page of SIMs; `nextCursor` is the next page’s `cursor`', body: named('SimPage', SimPage) } },
  },
  'GET /v1/sims/{eid}': {
    operationId: 'getSim',
    summary: 'A SIM, now or as it was at a time',
    description: 'Rebuilt from its stream; with `at` (RFC 3339), as it was then (404 before it was registered).',
    tag: 'SIMs',
    query: SimQuery,
    responses: { 200: { description: 'The SIM', body: SimBody, headers: ['etag'] } },
    problems: ['sim-not-found'],
  },
  'POST /v1/sims/{eid}/activate': lifecycle('activateSim', 'Activate a SIM', 'From `inventory` to `active` at the MNO of its enabled profile. An active SIM stays as it is; a suspended one is resumed, not activated.', ['illegal-transition', 'termination-pending']),
  'POST /v1/sims/{eid}/suspend': lifecycle('suspendSim', 'Suspend a SIM', 'From `active` to `suspended`. A suspended SIM stays as it is.', ['illegal-transition']),
  'POST /v1/sims/{eid}/resume': lifecycle(
    'resumeSim',
    'Resume a SIM',
    'From `suspended` to `active`; an active SIM stays as it is. A SIM Switchboard contained on an alert (suspended or quarantined) is released by people only: ' +
      'where the enterprise asks for two, the first resume records the request (`containment.releaseRequestedBy`) and another person’s resume releases it.',
    ['illegal-transition', 'termination-pending', 'release-by-person', 'same-approver'],
  ),
  'POST /v1/sims/{eid}/terminate': lifecycle(
    'terminateSim',
    'Request a SIM’s termination',
    'Termination is final, so it takes two people: this request waits (`pendingTermination`) for another’s approval. An active SIM is suspended first (409 `illegal-transition` otherwise); a termination already waiting stays as it is.',
    ['illegal-transition'],
    202,
  ),
  'POST /v1/sims/{eid}/terminate/approve': lifecycle(
    'approveSimTermination',
    'Approve a SIM’s termination',
    'The second person’s approval of a requested termination: the SIM is `terminated` and takes no command after.',
    ['no-pending-termination', 'same-approver'],
  ),
  'POST /v1/sims/{eid}/terminate/cancel': lifecycle('cancelSimTermination', 'Cancel a SIM’s termination', 'Withdraws a termination waiting for approval; without one, nothing changes.', []),
  'PUT /v1/sims/{eid}/labels': {
    operationId: 'setSimLabels',
    summary: 'Set a SIM’s labels',
    description: 'All of them, replacing the ones it had (each once, in the order given; the same set again changes nothing). Lists filter on them (`GET /v1/sims?label=`).',
    tag: 'SIMs',
    body: named('SetSimLabels', SetLabels),
    ifMatch: true,
    responses: { 200: { description: 'The SIM as it now is', body: SimBody, headers: ['etag'] } },
    problems: ['sim-not-found', 'sim-terminated'],
  },
  'GET /v1/sims/{eid}/events': {
    operationId: 'listSimEvents',
    summary: 'A SIM’s events, oldest first',
    description: 'The SIM’s stream, a page of whole commits at a time: each event with its commit’s time, actor and correlation id, and its data as recorded.',
    tag: 'SIMs',
    query: SimEventsQuery,
    responses: { 200: { description: 'A page of events; `nextCursor` is the next page’s `cursor`', body: named('SimEventPage', SimEventPage) } },
    problems: ['sim-not-found'],
  },
  'POST /v1/sims/{eid}/profiles/{iccid}/enable': {
    operationId: 'enableSimProfile',
    summary: 'Enable a profile on a SIM’s eUICC',
    description:
      'Queues an eIM package (SGP.32 PSMO enable) for the SIM’s eUICC, which its device fetches when it next polls; follow it at its Location. ' +
      '`rollback` (default true): if the profile cannot attach in time, the eUICC goes back to the one enabled before. ' +
      '409 `psmo-refused` when the eUICC would refuse it (the profile is the enabled one, not installed…).',
    tag: 'SIMs',
    body: named('EnableProfile', EnableProfile),
    bodyOptional: true,
    ifMatch: true,
    responses: { 202: { description: 'The package, queued for the device', body: named('QueuedEimPackage', QueuedEimPackage), headers: ['location'] } },
    problems: ['sim-not-found', 'sim-terminated', 'psmo-refused'],
  },
  'POST /v1/sims/{eid}/profiles': {
    operationId: 'orderSimProfile',
    summary: 'Order a profile for a SIM from an MNO',
    description:
      'Orders a profile from the MNO’s SM-DP+ (SGP.22 ES2+: DownloadOrder, ConfirmOrder with the EID, released); the device downloads it when the eIM hands it the trigger, ' +
      'and the SM-DP+’s notifications move it `ordered` → `downloading` → `disabled`. Follow it on the SIM (`profiles`, `orders`). ' +
      '409 when the MNO cannot take work, has no SM-DP+, the SIM holds a profile on it, one is being ordered from it, or the SIM has as many profiles ordered and not yet installed as it may.',
    tag: 'SIMs',
    body: named('OrderProfile', OrderProfile),
    ifMatch: true,
    responses: { 202: { description: 'The order, requested; the SIM is at Location', body: named('ProfileOrderAccepted', ProfileOrderAccepted), headers: ['location'] } },
    problems: ['sim-not-found', 'sim-terminated', 'mno-not-chosen', 'mno-unavailable', 'no-smdp', 'profile-on-mno-exists', 'order-in-progress', 'orders-pending'],
  },
  'GET /v1/sims/{eid}/eim-packages/{counter}': {
    operationId: 'getSimEimPackage',
    summary: 'An eIM package of a SIM',
    description: 'What it asked (its PSMOs) and, once the eUICC answered, what it did (`executed`, with each PSMO’s outcome) or why it refused it (`refused`); `queued` while the device has not answered.',
    tag: 'SIMs',
    responses: { 200: { description: 'The package', body: named('EimPackage', EimPackage) } },
    problems: ['sim-not-found', 'package-not-found'],
  },
  'GET /v1/sims/{eid}/usage': {
    operationId: 'getSimUsage',
    summary: 'A SIM’s usage this billing cycle',
    description:
      'The billing cycle (calendar month, UTC; this one unless `month` names another) so far: bytes and SMS in all and per MNO, bytes per day, ' +
      'the caps of the enterprise’s policy and what fraction of each is used. Counted from the network’s records as they arrive.',
    tag: 'SIMs',
    query: UsageQuery,
    responses: { 200: { description: 'The month’s usage', body: named('SimUsage', Usage) } },
    problems: ['sim-not-found'],
  },
  'GET /v1/sims/{eid}/audit': {
    operationId: 'auditSim',
    summary: 'Verify a SIM’s hash chain',
    description: 'Recomputes the chain of the SIM’s commits from the first to its head: each commit’s position, link and hash. `brokenAt` is the first commit that does not hold.',
    tag: 'SIMs',
    responses: { 200: { description: 'What the check found', body: named('ChainVerification', ChainVerification) } },
    problems: ['sim-not-found'],
  },
} satisfies Operations;
