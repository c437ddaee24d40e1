import { describe, expect, it } from 'vitest';
import { newSigningSecret, signature, signedHeaders, verifySignature } from '../../adapters/webhooks/signature.ts';

describe('webhook signatures (Standard Webhooks)', () => {
  it('reproduces the published Standard Webhooks test vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
    expect(verifySignature(secret, headers, body, { now: new Date(1614265330_000) })).toBe(true);
  });

  it('secrets are whsec_ and 32 random bytes, each one new', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(a);
  });

  it('a receiver accepts what was signed, as node:http or fetch give the headers', () => {
    const secret = newSigningSecret();
    const body = JSON.stringify({ 'detail-type': 'SimActivated', detail: { eventId: 'e-1' } });
    const headers = signedHeaders(secret, 'e-1', body);
    expect(verifySignature(secret, headers, body)).toBe(true);
    expect(verifySignature(secret, new Headers(headers), Buffer.from(body))).toBe(true);
    expect(verifySignature(secret, { 'Webhook-Id': headers['webhook-id'], 'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'], 'webhook-signature': [headers['webhook-signature']] }, body)).toBe(true);
  });

  it('refuses a tampered body, another id, another secret, a missing header or a bad version', () => {
    const secret = newSigningSecret();
    const body = '{"a":1}';
    const headers = signedHeaders(secret, 'e-1', body);
    expect(verifySignature(secret, headers, '{"a":2}')).toBe(false);
    expect(verifySignature(secret, { ...headers, 'webhook-id': 'e-2' }, body)).toBe(false);
    expect(verifySignature(newSigningSecret(), headers, body)).toBe(false);
    expect(verifySignature(secret, { ...headers, 'webhook-signature': undefined }, body)).toBe(false);
    expect(verifySignature(secret, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, body)).toBe(false);
    expect(verifySignature(secret, { ...headers, 'webhook-signature': 'v1,' }, body)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (replays), either way', () => {
    const secret = newSigningSecret();
    const at = new Date('2026-11-24T10:00:00Z');
    const headers = signedHeaders(secret, 'e-1', '{}', at);
    expect(verifySignature(secret, headers, '{}', { now: new Date(at.getTime() + 299_000) })).toBe(true);
    expect(verifySignature(secret, headers, '{}', { now: new Date(at.getTime() + 301_000) })).toBe(false);
    expect(verifySignature(secret, headers, '{}', { now: new Date(at.getTime() - 301_000) })).toBe(false);
    expect(verifySignature(secret, headers, '{}', { now: new Date(at.getTime() + 3_600_000), toleranceSeconds: 3_600 })).toBe(true);
    expect(verifySignature(secret, { ...headers, 'webhook-timestamp': '1e9' }, '{}', { now: at })).toBe(false);
  });
});
