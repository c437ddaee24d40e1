import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { jwtAuthorizer } from '../../infra/local/jwt-authorizer.ts';

/**
 * The local gateway's JWT check keeps a token it verified: the same token is not verified again,
 * but its times and the route's scopes are checked on every request.
 */
const issuer = 'https://issuer.test';
const audience = 'switchboard';
let authorize: ReturnType<typeof jwtAuthorizer>;
let sign: (claims: Record<string, unknown>, expiresIn: string) => Promise<string>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  authorize = jwtAuthorizer({ issuer, audience, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] } });
  sign = (claims, expiresIn) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience(audience).setSubject('alice').setIssuedAt().setExpirationTime(expiresIn).sign(privateKey);
});
afterEach(() => vi.useRealTimers());

describe('a verified token kept by the local JWT check', () => {
  it('expires when its exp passes, as one verified anew would', async () => {
    const token = await sign({ scope: 'sims:write' }, '60s');
    expect(await authorize(`Bearer ${token}`, ['sims:write'])).toMatchObject({ ok: true, scopes: ['sims:write'], claims: { sub: 'alice' } });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await authorize(`Bearer ${token}`, ['sims:write'])).toEqual({ ok: false, status: 401, reason: 'the token has expired' });
  });

  it('is held to each route’s scopes, every time', async () => {
    const token = await sign({ scope: 'sims:read' }, '60s');
    expect(await authorize(`Bearer ${token}`, ['sims:read'])).toMatchObject({ ok: true });
    expect(await authorize(`Bearer ${token}`, ['sims:write'])).toMatchObject({ ok: false, status: 403 });
    expect(await authorize(`Bearer ${token}`, ['sims:read'])).toMatchObject({ ok: true });
  });

  it('does not let a token differing from it in any character pass (its signature is checked anew)', async () => {
    const token = await sign({ scope: 'sims:write' }, '60s');
    expect(await authorize(`Bearer ${token}`, ['sims:write'])).toMatchObject({ ok: true });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), scope: 'platform:admin' })).toString('base64url');
    expect(await authorize(`Bearer ${header}.${forged}.${signature}`, ['platform:admin'])).toEqual({ ok: false, status: 401, reason: 'the token is not valid' });
  });
});
