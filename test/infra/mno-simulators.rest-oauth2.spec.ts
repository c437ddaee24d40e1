import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnoSimulator, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';

const ICCID = '8944500102198304826';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const profile = {
  apnAllowList: ['iot.acme', 'iot.backup'],
  ipAllowList: [
    { cidr: '10.0.0.0/8', ports: '443,8000-8080', protocol: 'tcp' },
    { cidr: '0.0.0.0/0', ports: '53', protocol: 'udp' },
  ],
  internetBreakout: false,
  smsMoAllowList: ['+4915112345678', '+4930'],
  smsMtAllowList: ['+49'],
  roamingCountries: ['DE', 'FR'],
  roamingPlmns: ['262-01', '208-01'],
  imeiLock: true,
  dataCapMb: 500,
  smsCap: 100,
  vpn: { peerIp: '203.0.113.10', subnets: ['10.20.0.0/16'], secretRef: 'vpn/acme/psk' },
};

let sim: MnoSimulator;
let shortLived: MnoSimulator;

const token = async (s: MnoSimulator, secret = s.credentials.clientSecret!) => {
  const res = await fetch(`${s.url}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: basic(s.credentials.clientId!, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; token_type?: string; expires_in?: number; error?: string } };
};

const call = async (method: string, path: string, accessToken: string | undefined, body?: unknown, s = sim) => {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(accessToken && { authorization: `Bearer ${accessToken}` }), 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
};

beforeAll(async () => {
  sim = await startMnoSimulator({ id: 'rest', style: 'rest-oauth2' });
  shortLived = await startMnoSimulator({ id: 'rest-short', style: 'rest-oauth2', tokenTtlSeconds: 0.2 });
});
afterAll(() => Promise.all([sim?.stop(), shortLived?.stop()]));

describe('rest-oauth2 simulator', () => {
  it('issues Bearer tokens for its client credentials only', async () => {
    const good = await token(sim);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    expect(good.body.access_token).toMatch(/^\S{20,}$/);
    expect(await token(sim, 'wrong')).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses API calls without a valid, unexpired token', async () => {
    expect((await call('GET', '/v1/sims/' + ICCID, undefined)).status).toBe(401);
    const refused = await call('GET', '/v1/sims/' + ICCID, 'not-a-token');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const { body } = await token(shortLived);
    expect((await call('PUT', '/v1/sims/' + ICCID + '/status', body.access_token, { status: 'ACTIVE' }, shortLived)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect((await call('GET', '/v1/sims/' + ICCID, body.access_token, undefined, shortLived)).status).toBe(401);
  });

  it('stores an applied profile and reads it back equal, with a revision', async () => {
    const { body } = await token(sim);
    const applied = await call('PUT', '/v1/policy-profiles/acme-v7', body.access_token, profile);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ profileId: 'acme-v7', revision: 1 });
    expect(typeof applied.body.appliedAt).toBe('string');
    const read = await call('GET', '/v1/policy-profiles/acme-v7', body.access_token);
    const { profileId, revision, appliedAt, ...rules } = read.body;
    expect({ profileId, revision, appliedAt }).toEqual(applied.body);
    expect(rules).toEqual(profile);
    expect(sim.state().profiles['acme-v7']).toEqual(profile);
    const again = await call('PUT', '/v1/policy-profiles/acme-v7', body.access_token, { ...profile, dataCapMb: null });
    expect(again.body.revision).toBe(2);
  });

  it('answers 400 with the faulty paths for an invalid profile, 404 for an unknown one', async () => {
    const { body } = await token(sim);
    const bad = await call('PUT', '/v1/policy-profiles/p1', body.access_token, { ...profile, ipAllowList: [{ cidr: '10.0.0.0/33', ports: '70000', protocol: 'icmp' }], extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['ipAllowList.0.cidr', 'ipAllowList.0.ports', 'ipAllowList.0.protocol']));
    expect((await call('GET', '/v1/policy-profiles/none', body.access_token)).status).toBe(404);
  });

  it('sets SIM status and reads it back; a deactivated SIM stays deactivated', async () => {
    const { body } = await token(sim);
    const iccid = '8944500102198304834';
    expect((await call('GET', `/v1/sims/${iccid}`, body.access_token)).status).toBe(404);
    expect(await call('PUT', `/v1/sims/${iccid}/status`, body.access_token, { status: 'SUSPENDED' })).toMatchObject({ status: 200, body: { iccid, status: 'SUSPENDED' } });
    expect((await call('GET', `/v1/sims/${iccid}`, body.access_token)).body).toEqual({ iccid, status: 'SUSPENDED' });
    expect((await call('PUT', `/v1/sims/${iccid}/status`, body.access_token, { status: 'PAUSED' })).status).toBe(400);
    await call('PUT', `/v1/sims/${iccid}/status`, body.access_token, { status: 'DEACTIVATED' });
    expect((await call('PUT', `/v1/sims/${iccid}/status`, body.access_token, { status: 'ACTIVE' })).status).toBe(409);
    expect(sim.state().sims[iccid]).toBe('DEACTIVATED');
  });
});
