import { Mno, MnoList } from '../../../../application/views/mnos.schema.ts';
import { MnoRegistration, VerificationResults } from '../../../../domain/mno/events.ts';
import { ClearOutage, DeclareOutage } from '../../mnos/requests.ts';
import { named, type Operation, type Operations } from '../operation.ts';

const MnoBody = named('Mno', Mno);

const command = (operationId: string, summary: string, description: string, body: Pick<Operation, 'body' | 'bodyOptional'>): Operation => ({
  operationId,
  summary,
  description,
  tag: 'MNOs',
  ...body,
  ifMatch: true,
  responses: { 200: { description: 'The MNO as it now is', body: MnoBody, headers: ['etag'] } },
  problems: ['mno-not-found'],
});

export const MNO_OPERATIONS = {
  'POST /v1/mnos': {
    operationId: 'registerMno',
    summary: 'Register an MNO',
    description:
      'Platform: registers a mobile network operator: its PLMNs and countries, how its CMP is reached (`api`: the endpoint, a reference to its credentials in the secret store, never the credentials; its SM-DP+ and rate limit) and the policy rules its CMP can enforce (`capabilities`). ' +
      'It is `unverified`, and gets no work, until its security checks are recorded (POST /v1/mnos/{mnoId}/verification). A PLMN whose MNC has not the length its country uses is a 400 `plmn-mnc-length`.',
    tag: 'MNOs',
    body: named('MnoRegistration', MnoRegistration),
    ifMatch: true,
    responses: { 201: { description: 'The MNO, registered', body: MnoBody, headers: ['etag', 'location'] } },
    problems: ['mno-exists', 'plmn-mnc-length'],
  },
  'GET /v1/mnos': {
    operationId: 'listMnos',
    summary: 'Every registered MNO',
    description:
      'Each with its status and whether it may get new work (`available`: verified and not in an outage). A platform admin sees its whole `api` and its security `checks`; anyone else sees the API’s `style` only.',
    tag: 'MNOs',
    responses: { 200: { description: 'Every MNO (not paged)', body: named('MnoList', MnoList) } },
  },
  'GET /v1/mnos/{mnoId}': {
    operationId: 'getMno',
    summary: 'An MNO',
    description: 'Its status and whether it may get new work. A platform admin sees its whole `api` and its security `checks`; anyone else sees the API’s `style` only.',
    tag: 'MNOs',
    responses: { 200: { description: 'The MNO', body: MnoBody, headers: ['etag'] } },
    problems: ['mno-not-found'],
  },
  'POST /v1/mnos/{mnoId}/verification': command(
    'recordMnoVerification',
    'Record an MNO’s security checks',
    'Platform: the results of every security check. All the required ones passed (`smsFirewall`, `dataFirewall`, `apnIsolation`, `cmpTls`) → `verified`, and it gets work; any failed → `quarantined`: no work, and what it sends is refused. `sgp32` is recorded, not required.',
    { body: named('MnoVerification', VerificationResults) },
  ),
  'POST /v1/mnos/{mnoId}/outage': command(
    'declareMnoOutage',
    'Declare an MNO’s outage',
    'Platform: the MNO gets no new work until the outage is cleared, and its active SIMs with a profile on another MNO switch to it by themselves (a bulk operation by `switchboard:fallback` per enterprise). Declared over an outage the health probe declared, it becomes the operator’s: the probe no longer clears it.',
    { body: named('DeclareOutage', DeclareOutage) },
  ),
  'POST /v1/mnos/{mnoId}/outage/clear': command(
    'clearMnoOutage',
    'Clear an MNO’s outage',
    'Platform: the MNO gets work again (if verified); SIMs that fell back from it return by themselves where their enterprise’s `fallbackReturn` is `automatic`. Clearing when there is no outage changes nothing.',
    { body: named('ClearOutage', ClearOutage), bodyOptional: true },
  ),
} satisfies Operations;
