import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { mnoDecider, unavailableReason } from '../../domain/mno/decider.ts';
import type { MnoEvent, MnoRegistration } from '../../domain/mno/events.ts';
import { specFor } from '../support/given.ts';

const spec = specFor(mnoDecider);
const registration: MnoRegistration = {
  id: 'telia-se',
  name: 'Telia',
  plmns: ['240-01'],
  countries: ['SE'],
  api: { style: 'rest-oauth2', endpoint: 'https://cmp.example/api', credentialsRef: 'secret://mno/telia-se' },
  capabilities: ['data.apns'],
};
const registered: MnoEvent = { type: 'MnoRegistered', data: registration };
const pass = { passed: true };
const allPass = { smsFirewall: pass, dataFirewall: pass, apnIsolation: pass, cmpTls: pass, sgp32: { passed: false } };
const verified: MnoEvent = { type: 'MnoVerified', data: { checks: allPass } };

describe('Mno decider', () => {
  it('registers an MNO', () => spec([]).when({ type: 'RegisterMno', registration }).then([registered]));
  it('refuses a second registration of the id', () => spec([registered]).when({ type: 'RegisterMno', registration }).thenFails('mno-exists', 'conflict'));
  it('refuses a PLMN whose MNC has not its country’s length (310-41: North America uses three digits)', () =>
    spec([]).when({ type: 'RegisterMno', registration: { ...registration, plmns: ['310-41'] } }).thenFails('plmn-mnc-length', 'invalid'));
  it('required checks passed → verified (SGP.32 support is not required)', () =>
    spec([registered]).when({ type: 'RecordVerification', checks: allPass }).then([verified]));
  it('a failed or missing required check → quarantined, naming it', () =>
    spec([registered, verified])
      .when({ type: 'RecordVerification', checks: { ...allPass, cmpTls: { passed: false }, smsFirewall: undefined as never } })
      .then([{ type: 'MnoQuarantined', data: { checks: { ...allPass, cmpTls: { passed: false }, smsFirewall: undefined as never }, failed: ['smsFirewall', 'cmpTls'] } }]));
  it('outage is declared once and cleared once', () => {
    spec([registered, verified]).when({ type: 'DeclareOutage', reason: 'fire' }).then([{ type: 'MnoOutageDeclared', data: { reason: 'fire' } }]);
    spec([registered, verified, { type: 'MnoOutageDeclared', data: { reason: 'fire' } }]).when({ type: 'DeclareOutage', reason: 'again' }).then([]);
    spec([registered, verified]).when({ type: 'ClearOutage' }).then([]);
  });
  it('only a verified MNO outside an outage gets work', () => {
    const state = (events: MnoEvent[]) => fold(mnoDecider, mnoDecider.initialState, events);
    expect(unavailableReason(state([registered]))).toMatch(/not passed security verification/);
    expect(unavailableReason(state([registered, verified]))).toBeUndefined();
    expect(unavailableReason(state([registered, verified, { type: 'MnoOutageDeclared', data: { reason: 'fire' } }]))).toMatch(/outage: fire/);
    expect(unavailableReason(state([registered, { type: 'MnoQuarantined', data: { checks: {}, failed: ['cmpTls'] } }]))).toMatch(/quarantined/);
  });
});

describe('Mno API changes', () => {
  const api = { ...registration.api, endpoint: 'https://cmp2.example/api' };
  it('a moved endpoint is recorded', () => spec([registered]).when({ type: 'ChangeMnoApi', api }).then([{ type: 'MnoApiChanged', data: { api } }]));
  it('the same API again is a no-op', () => spec([registered]).when({ type: 'ChangeMnoApi', api: registration.api }).then([]));
});

describe('outage detection by the health probe', () => {
  const given = specFor(mnoDecider);
  const registered: MnoEvent = { type: 'MnoRegistered', data: { id: 'north', name: 'North', plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://x', credentialsRef: 'secret://mno/x' }, capabilities: [] } };
  const failing: MnoEvent = { type: 'MnoProbeFailing', data: { since: '2026-12-05T10:00:00.000Z', detail: 'HTTP 503' } };
  const probe = (ok: boolean, at: string) => ({ type: 'RecordProbe' as const, ok, at, detail: ok ? undefined : 'HTTP 503', failAfterMs: 60_000 });
  const detected: MnoEvent = { type: 'MnoOutageDeclared', data: { reason: 'probe', detectedBy: 'health-probe' } };

  it('given a healthy MNO, when a probe fails, then the count starts; a success records nothing', () => {
    given([registered]).when(probe(false, '2026-12-05T10:00:00.000Z')).then([failing]);
    given([registered]).when(probe(true, '2026-12-05T10:00:00.000Z')).then([]);
  });
  it('given failing probes, then an outage is declared once the failures have lasted the configured time, and not before, nor twice', () => {
    given([registered, failing]).when(probe(false, '2026-12-05T10:00:59.000Z')).then([]);
    given([registered, failing]).when(probe(false, '2026-12-05T10:01:00.000Z')).then([
      { type: 'MnoOutageDeclared', data: { reason: 'its CMP has failed the health probe since 2026-12-05T10:00:00.000Z (HTTP 503)', detectedBy: 'health-probe' } },
    ]);
    given([registered, failing, detected]).when(probe(false, '2026-12-05T10:05:00.000Z')).then([]);
  });
  it('given an outage the probe declared, when it is answered again, then the outage clears; an operator’s declaration stays', () => {
    given([registered, failing, detected]).when(probe(true, '2026-12-05T10:06:00.000Z')).then([
      { type: 'MnoProbeRecovered', data: { at: '2026-12-05T10:06:00.000Z' } },
      { type: 'MnoOutageCleared', data: { reason: 'its CMP answers the health probe again' } },
    ]);
    const declared: MnoEvent = { type: 'MnoOutageDeclared', data: { reason: 'maintenance' } };
    given([registered, declared, failing]).when(probe(true, '2026-12-05T10:06:00.000Z')).then([{ type: 'MnoProbeRecovered', data: { at: '2026-12-05T10:06:00.000Z' } }]);
  });
});

describe('the probe and the operators', () => {
  const given = specFor(mnoDecider);
  const registered: MnoEvent = { type: 'MnoRegistered', data: { id: 'north', name: 'North', plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://x', credentialsRef: 'secret://mno/x' }, capabilities: [] } };
  const failing: MnoEvent = { type: 'MnoProbeFailing', data: { since: '2026-12-05T10:00:00.000Z', detail: 'HTTP 503' } };
  const detected: MnoEvent = { type: 'MnoOutageDeclared', data: { reason: 'probe', detectedBy: 'health-probe' } };
  it('given an outage the probe declared, when an operator declares it too, then it is the operator’s: the probe’s next answer does not clear it', () => {
    given([registered, failing, detected]).when({ type: 'DeclareOutage', reason: 'core network down' }).then([{ type: 'MnoOutageDeclared', data: { reason: 'core network down' } }]);
    const taken: MnoEvent = { type: 'MnoOutageDeclared', data: { reason: 'core network down' } };
    given([registered, failing, detected, taken]).when({ type: 'RecordProbe', ok: true, at: '2026-12-05T10:09:00.000Z', failAfterMs: 60_000 }).then([{ type: 'MnoProbeRecovered', data: { at: '2026-12-05T10:09:00.000Z' } }]);
  });
  it('given an operator cleared an outage while the probe still fails, then the probe counts again from its next failure, not from before', () => {
    const cleared: MnoEvent = { type: 'MnoOutageCleared', data: {} };
    given([registered, failing, detected, cleared]).when({ type: 'RecordProbe', ok: false, at: '2026-12-05T10:10:00.000Z', detail: 'HTTP 503', failAfterMs: 60_000 }).then([
      { type: 'MnoProbeFailing', data: { since: '2026-12-05T10:10:00.000Z', detail: 'HTTP 503' } },
    ]);
  });
});
