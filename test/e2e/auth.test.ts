import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/issuer.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
beforeAll(async () => (api = await startLocalApi()));
afterAll(() => api.stop());

const forged = async (claims: { iss?: string; aud?: string; exp?: number; alg?: string }) => {
  const alg = claims.alg ?? 'ES256';
  const { privateKey } = await generateKeyPair(alg);
  return new SignJWT({ scope: 'sims:read', tenant: 'acme' })
    .setProtectedHeader({ alg })
    .setIssuer(claims.iss ?? LOCAL_ISSUER)
    .setAudience(claims.aud ?? LOCAL_AUDIENCE)
    .setSubject('mallory')
    .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(privateKey);
};

describe('authentication (401, WWW-Authenticate: Bearer)', () => {
  const expect401 = async (authorization?: string) => {
    const r = await api.call('GET', '/v1/sims/89049032000000000000000000000163', { headers: authorization ? { authorization } : {} });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    return r;
  };

  it('no token', async () => expect((await expect401()).body.detail).toBe('a bearer token is required'));
  it('not a bearer token', async () => expect((await expect401('Basic YWxhZGRpbjpvcGVuc2VzYW1l')).body.detail).toMatch(/not a bearer JWT/));
  it('garbage', async () => {
    expect((await expect401('Bearer garbage')).body.detail).toMatch(/not a bearer JWT/);
    expect((await expect401('Bearer not.a.jwt')).body.detail).toBe('the token is not valid');
  });
  it('signed by a key the issuer does not hold', async () => expect401(`Bearer ${await forged({})}`));

  it('expired', async () => {
    const t = await api.runtime.issuer.sign({ subject: 'alice', tenant: 'acme', scopes: ['sims:read'], ttlSeconds: -10 });
    const r = await expect401(`Bearer ${t}`);
    expect(r.body.detail).toMatch(/expired/);
  });

  it('wrong audience or wrong issuer, though signed by the issuer\'s own key', async () => {
    const jwk = JSON.parse(readFileSync(join(api.dataDir, 'issuer', 'signing-key.jwk.json'), 'utf8'));
    const key = await importJWK(jwk, 'ES256');
    const sign = (iss: string, aud: string) =>
      new SignJWT({ scope: 'sims:read', tenant: 'acme' })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject('alice')
        .setExpirationTime('10m')
        .sign(key);
    await expect401(`Bearer ${await sign(LOCAL_ISSUER, 'another-api')}`);
    await expect401(`Bearer ${await sign('https://evil.example', LOCAL_AUDIENCE)}`);
  });

  it('issued in the future (iat more than 60 s ahead): 401; within the clock skew: accepted', async () => {
    const t = await api.tenant('sims:read');
    const jwk = JSON.parse(readFileSync(join(api.dataDir, 'issuer', 'signing-key.jwk.json'), 'utf8'));
    const key = await importJWK(jwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = (iat: number) =>
      new SignJWT({ scope: 'sims:read', tenant: t.id })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject('alice')
        .setIssuedAt(iat)
        .setExpirationTime(now + 7200)
        .sign(key);
    await expect401(`Bearer ${await issuedAt(now + 3600)}`);
    await expect401(`Bearer ${await issuedAt(now + 90)}`);
    const skewed = await api.call('GET', '/v1/sims/89049032000000000000000000000163', { token: await issuedAt(now + 30) });
    expect(skewed.status).toBe(404);
  });

  it('a payload edited after signing', async () => {
    const good = await api.runtime.issuer.sign({ subject: 'alice', tenant: 'acme', scopes: ['sims:read'] });
    const [header, payload, signature] = good.split('.');
    const edited = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), scope: 'sims:read sims:write' };
    await expect401(`Bearer ${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`);
  });

  it('an unsigned token (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'x', tenant: 'acme', scope: 'sims:read', exp: 9e9 })).toString('base64url');
    await expect401(`Bearer ${header}.${payload}.`);
    await expect401(`Bearer ${header}.${payload}.AAAA`);
  });

  it('/health needs no token', async () => {
    const r = await api.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });
});

describe('authorization (403)', () => {
  it('a token without the route scope', async () => {
    const t = await api.tenant('sims:read');
    const r = await api.call('POST', '/v1/sims', { token: t.token, body: api.newSim() });
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/sims:write/);
  });

  it('a tenant token cannot onboard enterprises (platform:admin)', async () => {
    const t = await api.tenant('sims:write sims:read');
    const r = await api.call('POST', '/v1/enterprises', { token: t.token, body: { tenantId: 'sneaky', name: 'x' } });
    expect(r.status).toBe(403);
  });

  it('a tenant token that also carries platform:admin cannot suspend another tenant', async () => {
    const victim = await api.tenant('sims:read');
    const t = await api.tenant('sims:read platform:admin');
    const r = await api.call('POST', `/v1/enterprises/${victim.id}/suspend`, { token: t.token, body: { reason: 'mine now' } });
    expect(r.status).toBe(403);
    expect(r.body.type).toBe('/problems/platform-scope-on-tenant-token');
    expect((await api.call('GET', '/v1/sims/89049032000000000000000000000163', { token: victim.token })).status).toBe(404);
  });

  it('a tenant that is not onboarded', async () => {
    const t = await api.token('ghost-tenant', 'sims:read');
    const r = await api.call('GET', '/v1/sims/89049032000000000000000000000163', { token: t });
    expect(r.status).toBe(403);
    expect(r.body.type).toBe('/problems/tenant-not-active');
  });

  it('a token with no tenant on a tenant route', async () => {
    const t = await api.token(undefined, 'sims:read');
    const r = await api.call('GET', '/v1/sims/89049032000000000000000000000163', { token: t });
    expect(r.status).toBe(403);
  });

  it('a suspended tenant is refused until reinstated', async () => {
    const t = await api.tenant();
    const sim = api.newSim();
    expect((await api.call('POST', '/v1/sims', { token: t.token, body: sim })).status).toBe(201);
    expect((await api.call('POST', `/v1/enterprises/${t.id}/suspend`, { token: api.admin, body: { reason: 'unpaid' } })).status).toBe(200);
    const refused = await api.call('GET', `/v1/sims/${sim.eid}`, { token: t.token });
    expect(refused.status).toBe(403);
    expect((await api.call('POST', `/v1/enterprises/${t.id}/reinstate`, { token: api.admin })).status).toBe(200);
    expect((await api.call('GET', `/v1/sims/${sim.eid}`, { token: t.token })).status).toBe(200);
  });
});

describe('the event catalogue over HTTP', () => {
  it('any valid token reads it; no token is a 401', async () => {
    const t = await api.token('any-tenant', 'sims:read');
    const r = await api.call('GET', '/v1/events/schemas', { token: t });
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: { type: string }) => e.type)).toContain('SimSuspended');
    expect((await api.call('GET', '/v1/events/schemas')).status).toBe(401);
  });
});

describe('platform operations', () => {
  it('onboarding: 201, then 409 for the same tenant id', async () => {
    const body = { tenantId: `ent-${Date.now()}`, name: 'Initech' };
    const first = await api.call('POST', '/v1/enterprises', { token: api.admin, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ tenantId: body.tenantId, name: 'Initech', status: 'active', version: 1 });
    expect(first.headers.get('location')).toBe(`/v1/enterprises/${body.tenantId}`);
    const again = await api.call('POST', '/v1/enterprises', { token: api.admin, body });
    expect(again.status).toBe(409);
  });

  it('an invalid tenant id is a 400 naming the field', async () => {
    const r = await api.call('POST', '/v1/enterprises', { token: api.admin, body: { tenantId: 'No Spaces!', name: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual(expect.objectContaining({ path: '/tenantId' }));
  });
});
