import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
let acme: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi();
  acme = await api.tenant();
});
afterAll(() => api.stop());

const eventCount = async (eid: string) => (await api.call('GET', `/v1/sims/${eid}/events`, { token: acme.token })).body.items.length;

describe('Idempotency-Key', () => {
  it('a repeat returns the first response and appends nothing', async () => {
    const sim = api.newSim();
    const headers = { 'idempotency-key': `reg-${sim.eid}` };
    const first = await api.call('POST', '/v1/sims', { token: acme.token, body: sim, headers });
    const again = await api.call('POST', '/v1/sims', { token: acme.token, body: sim, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe('"1"');

    const key = { 'idempotency-key': `act-${sim.eid}` };
    await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: acme.token, headers: key });
    await api.call('POST', `/v1/sims/${sim.eid}/suspend`, { token: acme.token });
    const replay = await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: acme.token, headers: key });
    expect(replay.status).toBe(200);
    expect(replay.body.state).toBe('active');
    expect(await eventCount(sim.eid)).toBe(3);
  });

  it('the same key with another body → 422, nothing appended', async () => {
    const sim = api.newSim();
    const headers = { 'idempotency-key': `k-${sim.eid}` };
    await api.call('POST', '/v1/sims', { token: acme.token, body: sim, headers });
    const other = await api.call('POST', '/v1/sims', { token: acme.token, body: { ...sim, imei: undefined, profiles: [{ ...sim.profiles[0]!, mno: 'orange-fr' }] }, headers });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect((await api.call('GET', `/v1/sims/${sim.eid}`, { token: acme.token })).body.profiles[0].mno).toBe('vodafone-de');
  });

  it('keys are scoped per tenant: another tenant with the same key gets its own result', async () => {
    const globex = await api.tenant();
    const key = { 'idempotency-key': `shared-${Date.now()}` };
    const a = api.newSim();
    const b = api.newSim();
    expect((await api.call('POST', '/v1/sims', { token: acme.token, body: a, headers: key })).body.eid).toBe(a.eid);
    expect((await api.call('POST', '/v1/sims', { token: globex.token, body: b, headers: key })).body.eid).toBe(b.eid);
  });

  it('an empty or oversized key is a 400, not a silent lack of idempotency', async () => {
    const sim = api.newSim();
    expect((await api.call('POST', '/v1/sims', { token: acme.token, body: sim, headers: { 'idempotency-key': '' } })).status).toBe(400);
    expect((await api.call('POST', '/v1/sims', { token: acme.token, body: sim, headers: { 'idempotency-key': 'k'.repeat(256) } })).status).toBe(400);
    expect((await api.call('GET', `/v1/sims/${sim.eid}`, { token: acme.token })).status).toBe(404);
  });

  it('a failed command is not remembered: retrying with the key runs again', async () => {
    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    const key = { 'idempotency-key': `susp-${sim.eid}` };
    expect((await api.call('POST', `/v1/sims/${sim.eid}/suspend`, { token: acme.token, headers: key })).status).toBe(409);
    await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: acme.token });
    expect((await api.call('POST', `/v1/sims/${sim.eid}/suspend`, { token: acme.token, headers: key })).status).toBe(200);
  });
});

describe('If-Match', () => {
  it('the current version succeeds; a stale one → 412 and nothing changes', async () => {
    const sim = api.newSim();
    const created = await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    const etag = created.headers.get('etag')!;
    const ok = await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: acme.token, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    const stale = await api.call('POST', `/v1/sims/${sim.eid}/suspend`, { token: acme.token, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('/problems/version-mismatch');
    expect((await api.call('GET', `/v1/sims/${sim.eid}`, { token: acme.token })).body.state).toBe('active');
    expect((await api.call('POST', `/v1/sims/${sim.eid}/suspend`, { token: acme.token, headers: { 'if-match': 'banana' } })).status).toBe(400);
  });

  it('concurrent commands without If-Match are re-decided and all land', async () => {
    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: acme.token });
    const replies = await Promise.all(['suspend', 'suspend', 'suspend'].map((a) => api.call('POST', `/v1/sims/${sim.eid}/${a}`, { token: acme.token })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await eventCount(sim.eid)).toBe(3);
  });
});

describe('malformed requests', () => {
  it('a body over 64 KiB → 413', async () => {
    const r = await api.call('POST', '/v1/sims', { token: acme.token, raw: JSON.stringify({ pad: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
  });

  it('a body that is not JSON → 415', async () => {
    const r = await api.call('POST', '/v1/sims', { token: acme.token, raw: 'eid=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
  });

  it('broken JSON → 400', async () => {
    const r = await api.call('POST', '/v1/sims', { token: acme.token, raw: '{"eid":', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('/problems/malformed-json');
  });

  it('unknown fields are refused rather than ignored', async () => {
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body: { ...api.newSim(), state: 'active' } });
    expect(r.status).toBe(400);
  });

  it('unknown routes → 404, wrong methods → 405, as problems', async () => {
    expect((await api.call('GET', '/v1/nothing', { token: acme.token })).status).toBe(404);
    const r = await api.call('DELETE', '/v1/sims', { token: acme.token });
    expect(r.status).toBe(405);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });

  it('no request, however malformed, gets a 500', async () => {
    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    const paths = fc.constantFrom('/v1/sims', `/v1/sims/${sim.eid}`, `/v1/sims/${sim.eid}/activate`, `/v1/sims/${sim.eid}/terminate`, '/v1/enterprises', '/v1/sims/%E0%A4%A/activate', `/v1/sims/${sim.eid}/events`);
    const body = fc.oneof(fc.json(), fc.string(), fc.constant('{"__proto__":{"x":1}}'), fc.constant('[]'), fc.constant('null'));
    const query = fc.oneof(fc.constant(''), fc.string().map((s) => `?at=${encodeURIComponent(s)}&cursor=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}`));
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/merge-patch+json', '');
    const header = fc.oneof(fc.constant({}), fc.string({ maxLength: 20 }).map((s) => ({ 'if-match': s.replace(/[^\x20-\x7e]/g, '') })), fc.string({ minLength: 1, maxLength: 20 }).map((s) => ({ 'idempotency-key': s.replace(/[^\x21-\x7e]/g, 'k') })));
    const token = await acme.tokenFor('sims:write sims:read audit:read platform:admin');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST'), paths, query, body, contentType, header, async (method, path, q, raw, type, extra) => {
        const headers: Record<string, string> = { ...extra };
        if (type) headers['content-type'] = type;
        const r = await api.call(method, path + q, { token, raw: method === 'POST' ? raw : undefined, headers });
        expect(r.status, `${method} ${path}${q} ${raw} → ${JSON.stringify(r.body)}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});

/** A request sent as written (fetch would resolve `..` and `//` before sending), to 127.0.0.1. */
const raw = (method: string, path: string, headers: Record<string, string | string[]> = {}) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: new URL(api.runtime.url).port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

describe('the gateway refuses what it would otherwise have to guess', () => {
  it('dot segments (`..`, `.`, any case of `%2e`), empty segments and backslashes: 400 before routing', async () => {
    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    const auth = { authorization: `Bearer ${acme.token}` };
    const paths = [
      `/v1/sims/${sim.eid}/events/../audit`,
      `/v1/sims/${sim.eid}/events/%2e%2e/audit`,
      `/v1/sims/${sim.eid}/events/%2E%2e/audit`,
      `/v1/sims/${sim.eid}/events/.%2E/audit`,
      `/v1/sims/./${sim.eid}`,
      `/v1/sims/%2e/${sim.eid}`,
      `/v1/sims/${sim.eid}/..`,
      `//v1/sims/${sim.eid}`,
      `/v1//sims/${sim.eid}`,
      `/v1/sims/${sim.eid}/events/..%2faudit`,
      `/v1/sims\\${sim.eid}`,
    ];
    for (const path of paths) {
      const r = await raw('GET', path, auth);
      expect(r.status, path).toBe(400);
      expect(r.headers['content-type'], path).toBe('application/problem+json');
    }
    expect((await raw('GET', `/v1/sims/${sim.eid}/audit`, auth)).status).toBe(200);
  });

  it('HEAD on a GET route answers as GET does, without a body; on other routes 405 with Allow', async () => {
    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    const auth = { authorization: `Bearer ${acme.token}` };
    for (const path of [`/v1/sims/${sim.eid}`, `/v1/sims/${sim.eid}/events`, '/health', '/v1/sims/123']) {
      const [get, head] = [await raw('GET', path, auth), await raw('HEAD', path, auth)];
      expect(head.status, path).toBe(get.status);
      expect(head.text, path).toBe('');
      for (const name of ['content-type', 'content-length', 'etag', 'www-authenticate']) expect(head.headers[name], `${path} ${name}`).toBe(get.headers[name]);
      expect(Number(get.headers['content-length']), path).toBe(Buffer.byteLength(get.text));
    }
    const notGet = await raw('HEAD', `/v1/sims/${sim.eid}/activate`, auth);
    expect(notGet.status).toBe(405);
    expect(notGet.headers.allow).toBe('POST');
    expect((await raw('DELETE', '/v1/sims', auth)).headers.allow).toBe('GET, HEAD, POST');
  });

  it('Authorization, Content-Type or Idempotency-Key given twice: 400 naming it (not the first one taken silently)', async () => {
    for (const [name, values] of [
      ['authorization', [`Bearer ${acme.token}`, 'Bearer x']],
      ['content-type', ['application/json', 'text/plain']],
      ['idempotency-key', ['a', 'b']],
    ] as const) {
      const r = await raw('GET', '/v1/sims', { authorization: `Bearer ${acme.token}`, [name]: [...values] });
      expect(r.status, name).toBe(400);
      expect(JSON.parse(r.text).detail).toContain(`the ${name} header is given more than once`);
    }
  });

  it('request headers over the limit: 431 as a problem', async () => {
    const r = await raw('GET', '/v1/sims', { authorization: `Bearer ${'x'.repeat(20_000)}` });
    expect(r.status).toBe(431);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(r.text)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('a query parameter given twice, or one the route does not take: 400 naming it', async () => {
    const twice = await api.call('GET', '/v1/sims?state=active&state=suspended', { token: acme.token });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([expect.objectContaining({ path: '/query/state' })]);
    const unknown = await api.call('GET', '/v1/sims?foo=1', { token: acme.token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/query/foo' })]);
    expect((await api.call('GET', '/v1/sims?state=active', { token: acme.token })).status).toBe(200);
  });
});
