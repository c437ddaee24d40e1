import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
beforeAll(async () => (api = await startLocalApi()));
afterAll(() => api.stop());

const registration = (id: string) => ({
  id,
  name: `Operator ${id}`,
  plmns: ['262-02', '262-09'],
  countries: ['DE'],
  api: { style: 'async-jobs', endpoint: 'https://cmp.example.net/api', credentialsRef: `secret://mno/${id}` },
  capabilities: ['data.apns', 'roaming.countries'],
});
const checks = (failing: string[] = []) =>
  Object.fromEntries(['smsFirewall', 'dataFirewall', 'apnIsolation', 'cmpTls', 'sgp32'].map((c) => [c, { passed: !failing.includes(c) }]));

describe('MNOs (platform)', () => {
  it('registered unverified; passing checks → verified and available; a failed check → quarantined', async () => {
    const id = `mno-${unique()}`;
    const created = await api.call('POST', '/v1/mnos', { token: api.admin, body: registration(id) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, status: 'unverified', available: false });
    expect((await api.call('POST', '/v1/mnos', { token: api.admin, body: registration(id) })).status).toBe(409);

    const verified = await api.call('POST', `/v1/mnos/${id}/verification`, { token: api.admin, body: checks(['sgp32']) });
    expect(verified.body).toMatchObject({ status: 'verified', available: true });
    const quarantined = await api.call('POST', `/v1/mnos/${id}/verification`, { token: api.admin, body: checks(['dataFirewall']) });
    expect(quarantined.body).toMatchObject({ status: 'quarantined', available: false });
  });

  it('outage declared and cleared', async () => {
    const id = `mno-${unique()}`;
    await api.call('POST', '/v1/mnos', { token: api.admin, body: registration(id) });
    await api.call('POST', `/v1/mnos/${id}/verification`, { token: api.admin, body: checks() });
    const down = await api.call('POST', `/v1/mnos/${id}/outage`, { token: api.admin, body: { reason: 'core network incident' } });
    expect(down.body).toMatchObject({ available: false, outage: { reason: 'core network incident' } });
    expect((await api.call('POST', `/v1/mnos/${id}/outage`, { token: api.admin })).status).toBe(400);
    const up = await api.call('POST', `/v1/mnos/${id}/outage/clear`, { token: api.admin });
    expect(up.body).toMatchObject({ available: true });
    expect(up.body.outage).toBeUndefined();
  });

  it('invalid registrations name the field; credentials are refused, only a reference', async () => {
    const bad = { ...registration('x'), plmns: ['26201'], api: { style: 'carrier-pigeon', endpoint: 'ftp://x', credentialsRef: 'hunter2' } };
    const r = await api.call('POST', '/v1/mnos', { token: api.admin, body: bad });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/id', '/plmns/0', '/api/style', '/api/endpoint', '/api/credentialsRef']));
    expect(JSON.stringify(r.body)).not.toContain('hunter2');
  });

  it('tenants list MNOs with mnos:read, without endpoints or check details; only the platform changes them', async () => {
    const t = await api.tenant('mnos:read sims:write');
    const list = await api.call('GET', '/v1/mnos', { token: t.token });
    expect(list.status).toBe(200);
    const vodafone = list.body.items.find((m: { id: string }) => m.id === 'vodafone-de');
    expect(vodafone).toMatchObject({ status: 'verified', available: true, api: { style: 'rest-oauth2' } });
    expect(vodafone.api.endpoint).toBeUndefined();
    expect(vodafone.checks).toBeUndefined();
    expect((await api.call('POST', '/v1/mnos/vodafone-de/outage', { token: t.token, body: { reason: 'x' } })).status).toBe(403);
  });
});

describe("an enterprise's MNOs", () => {
  it('are chosen among registered MNOs; SIM profiles may only name them', async () => {
    const t = await api.tenant('policies:write sims:write sims:read');
    const unknown = await api.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: ['vodafone-de', 'no-such-mno'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.type).toBe('/problems/unknown-mno');
    const chosen = await api.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: ['orange-fr'] } });
    expect(chosen.body.mnos).toEqual(['orange-fr']);

    const sim = api.newSim();
    const refused = await api.call('POST', '/v1/sims', { token: t.token, body: sim });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('/problems/mno-not-chosen');
    const ok = await api.call('POST', '/v1/sims', { token: t.token, body: { ...sim, profiles: [{ ...sim.profiles[0]!, mno: 'orange-fr' }] } });
    expect(ok.status).toBe(201);
  });

  it('choosing needs policies:write', async () => {
    const t = await api.tenant('sims:write');
    expect((await api.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: [] } })).status).toBe(403);
  });
});
