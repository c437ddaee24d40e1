import { describe, it } from 'vitest';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EnterpriseEvent } from '../../domain/enterprise/events.ts';
import { identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
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

describe('Identifier claim decider', () => {
  const claim = specFor(identifierClaimDecider);
  const acmeSim = { tenant: 'acme', eid: 'e1' };
  const claimed = { type: 'IdentifierClaimed' as const, data: { kind: 'iccid' as const, holder: acmeSim } };
  it('the first SIM claims an identifier', () => claim([]).when({ type: 'ClaimIdentifier', kind: 'iccid', holder: acmeSim }).then([claimed]));
  it('the holder claiming again is a no-op', () => claim([claimed]).when({ type: 'ClaimIdentifier', kind: 'iccid', holder: acmeSim }).then([]));
  it('another tenant is refused without naming the holder', () =>
    claim([claimed]).when({ type: 'ClaimIdentifier', kind: 'iccid', holder: { tenant: 'globex', eid: 'e9' } }).thenFails('iccid-in-use', 'conflict'));
  it('another SIM of the same tenant is refused too', () =>
    claim([claimed]).when({ type: 'ClaimIdentifier', kind: 'iccid', holder: { tenant: 'acme', eid: 'e2' } }).thenFails('iccid-in-use', 'conflict'));
  it('an EID held by another tenant reads as an already registered SIM', () =>
    claim([{ type: 'IdentifierClaimed', data: { kind: 'eid', holder: acmeSim } }]).when({ type: 'ClaimIdentifier', kind: 'eid', holder: { tenant: 'globex', eid: 'e1' } }).thenFails('sim-already-registered'));
  const released = { type: 'IdentifierReleased' as const, data: { kind: 'iccid' as const, holder: acmeSim } };
  it('its holder releases a claim; then another SIM may claim it', () => {
    claim([claimed]).when({ type: 'ReleaseIdentifier', kind: 'iccid', holder: acmeSim }).then([released]);
    claim([claimed, released]).when({ type: 'ClaimIdentifier', kind: 'iccid', holder: { tenant: 'globex', eid: 'e9' } }).then([
      { type: 'IdentifierClaimed', data: { kind: 'iccid', holder: { tenant: 'globex', eid: 'e9' } } },
    ]);
  });
  it('no one but its holder releases a claim, and releasing what is not held changes nothing', () => {
    claim([claimed]).when({ type: 'ReleaseIdentifier', kind: 'iccid', holder: { tenant: 'globex', eid: 'e9' } }).then([]);
    claim([]).when({ type: 'ReleaseIdentifier', kind: 'iccid', holder: acmeSim }).then([]);
    claim([claimed, released]).when({ type: 'ReleaseIdentifier', kind: 'iccid', holder: acmeSim }).then([]);
  });
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

describe('enterprise settings', () => {
  const given = specFor(enterpriseDecider);
  const onboarded = { type: 'EnterpriseOnboarded' as const, data: { tenantId: 'acme', name: 'Acme' } };
  it('given an enterprise, when its settings change, then they are recorded whole; the same settings again append nothing', () => {
    const settings = { fallbackReturn: 'automatic' as const, fallbackReturnAfterSeconds: 60 };
    given([onboarded]).when({ type: 'ChangeSettings', settings }).then([{ type: 'EnterpriseSettingsChanged', data: { settings } }]);
    given([onboarded, { type: 'EnterpriseSettingsChanged', data: { settings } }]).when({ type: 'ChangeSettings', settings }).then([]);
    // The defaults: SIMs stay where fallback moved them until told.
    given([onboarded]).when({ type: 'ChangeSettings', settings: { fallbackReturn: 'manual', fallbackReturnAfterSeconds: 600 } }).then([]);
  });
});
