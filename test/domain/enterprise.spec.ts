import { describe, it } from 'vitest';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EnterpriseEvent } from '../../domain/enterprise/events.ts';
import { eidClaimDecider } from '../../domain/eid-claim/decider.ts';
import { specFor } from '../support/given.ts';

const spec = specFor(enterpriseDecider);
const onboarded: EnterpriseEvent = { type: 'EnterpriseOnboarded', data: { tenantId: 'acme', name: 'Acme' } };
const suspended: EnterpriseEvent = { type: 'EnterpriseSuspended', data: { reason: undefined } };

describe('Enterprise decider', () => {
  it('onboards a tenant', () => spec([]).when({ type: 'OnboardEnterprise', tenantId: 'acme', name: 'Acme' }).then([onboarded]));
  it('refuses to onboard a tenant twice', () =>
    spec([onboarded]).when({ type: 'OnboardEnterprise', tenantId: 'acme', name: 'Acme' }).thenFails('enterprise-exists', 'conflict'));
  it('suspends an active tenant', () => spec([onboarded]).when({ type: 'SuspendEnterprise' }).then([suspended]));
  it('suspending a suspended tenant is a no-op', () => spec([onboarded, suspended]).when({ type: 'SuspendEnterprise' }).then([]));
  it('reinstates a suspended tenant', () =>
    spec([onboarded, suspended]).when({ type: 'ReinstateEnterprise' }).then([{ type: 'EnterpriseReinstated', data: { reason: undefined } }]));
  it('cannot suspend a tenant that was never onboarded', () => spec([]).when({ type: 'SuspendEnterprise' }).thenFails('enterprise-not-found', 'not-found'));
});

describe('EID claim decider', () => {
  const claim = specFor(eidClaimDecider);
  it('the first tenant claims an EID', () => claim([]).when({ type: 'ClaimEid', tenant: 'acme' }).then([{ type: 'EidClaimed', data: { tenant: 'acme' } }]));
  it('the holder claiming again is a no-op', () => claim([{ type: 'EidClaimed', data: { tenant: 'acme' } }]).when({ type: 'ClaimEid', tenant: 'acme' }).then([]));
  it('another tenant is refused without naming the holder', () =>
    claim([{ type: 'EidClaimed', data: { tenant: 'acme' } }]).when({ type: 'ClaimEid', tenant: 'globex' }).thenFails('sim-already-registered', 'conflict'));
});

describe('Enterprise MNO choice', () => {
  const registered = ['vodafone-de', 'orange-fr', 'telia-se'];
  it('chooses registered MNOs, sorted and without duplicates', () =>
    spec([onboarded]).when({ type: 'ChooseMnos', mnos: ['orange-fr', 'vodafone-de', 'orange-fr'], registered }).then([
      { type: 'EnterpriseMnosChosen', data: { mnos: ['orange-fr', 'vodafone-de'] } },
    ]));
  it('choosing the same set again is a no-op', () =>
    spec([onboarded, { type: 'EnterpriseMnosChosen', data: { mnos: ['orange-fr'] } }]).when({ type: 'ChooseMnos', mnos: ['orange-fr'], registered }).then([]));
  it('refuses an MNO the platform does not know', () =>
    spec([onboarded]).when({ type: 'ChooseMnos', mnos: ['acme-mobile'], registered }).thenFails('unknown-mno', 'invalid'));
});
