import { Enterprise, EnterpriseMnos, EnterpriseSettingsView } from '../../../../application/views/enterprises.schema.ts';
import { ChooseMnos, Onboard, Settings } from '../../enterprises/requests.ts';
import { WithReason } from '../../reason.ts';
import { named, type Operation, type Operations } from '../operation.ts';

const EnterpriseBody = named('Enterprise', Enterprise);
const Reason = named('Reason', WithReason);
const SettingsBody = named('EnterpriseSettings', EnterpriseSettingsView);

const status = (operationId: string, summary: string, description: string): Operation => ({
  operationId,
  summary,
  description,
  tag: 'Enterprises',
  body: Reason,
  bodyOptional: true,
  ifMatch: true,
  responses: { 200: { description: 'The enterprise as it now is', body: EnterpriseBody, headers: ['etag'] } },
  problems: ['enterprise-not-found'],
});

export const ENTERPRISE_OPERATIONS = {
  'POST /v1/enterprises': {
    operationId: 'onboardEnterprise',
    summary: 'Onboard an enterprise',
    description:
      'Platform: onboards a tenant, active at once. Its `tenantId` is what tenant tokens name in their `tenant` claim; the same tenant id again is a 409 `enterprise-exists`.',
    tag: 'Enterprises',
    body: named('OnboardEnterprise', Onboard),
    ifMatch: true,
    responses: { 201: { description: 'The enterprise, onboarded', body: EnterpriseBody, headers: ['etag', 'location'] } },
    problems: ['enterprise-exists'],
  },
  'POST /v1/enterprises/{tenantId}/suspend': status(
    'suspendEnterprise',
    'Suspend an enterprise',
    'Platform: the tenant’s requests are refused from now on (403 `tenant-not-active`; on every instance within the tenant-status cache time). Suspending a suspended enterprise changes nothing.',
  ),
  'POST /v1/enterprises/{tenantId}/reinstate': status(
    'reinstateEnterprise',
    'Reinstate a suspended enterprise',
    'Platform: the tenant’s requests are taken again. Reinstating an active enterprise changes nothing.',
  ),
  'PUT /v1/enterprise/mnos': {
    operationId: 'chooseEnterpriseMnos',
    summary: 'Choose the MNOs the enterprise works with',
    description:
      'All of them (the list replaces the last one): SIM profiles may name only these MNOs, and policies are cascaded to them. Each must be a registered MNO (400 `unknown-mno`). The same list again changes nothing.',
    tag: 'Enterprises',
    body: named('ChooseMnos', ChooseMnos),
    ifMatch: true,
    responses: { 200: { description: 'The MNOs chosen, in id order', body: named('EnterpriseMnos', EnterpriseMnos), headers: ['etag'] } },
    problems: ['unknown-mno'],
  },
  'PUT /v1/enterprise/settings': {
    operationId: 'putEnterpriseSettings',
    summary: 'Set how the enterprise’s fleet is handled',
    description:
      'All the settings at once: what is left out is its default (`fallbackReturn: manual`, `fallbackReturnAfterSeconds: 600`, no `policyId`, `releaseApprovals: 1`). ' +
      '`fallbackReturn`: once an MNO its SIMs fell back from recovers, they go back by themselves (`automatic`, after `fallbackReturnAfterSeconds` without a new outage) or stay until told (`manual`). ' +
      '`policyId` names the policy the network’s signals are checked against; it must have a published version (409 `policy-not-published`). ' +
      '`releaseApprovals`: how many people release a SIM Switchboard contained (2: one asks, another approves).',
    tag: 'Enterprises',
    body: named('ChangeEnterpriseSettings', Settings),
    ifMatch: true,
    responses: { 200: { description: 'The settings as they now apply', body: SettingsBody, headers: ['etag'] } },
    problems: ['policy-not-published'],
  },
  'GET /v1/enterprise/settings': {
    operationId: 'getEnterpriseSettings',
    summary: 'How the enterprise’s fleet is handled',
    description: 'The enterprise’s settings: the defaults until it changes them.',
    tag: 'Enterprises',
    responses: { 200: { description: 'The settings as they apply', body: SettingsBody, headers: ['etag'] } },
  },
} satisfies Operations;
