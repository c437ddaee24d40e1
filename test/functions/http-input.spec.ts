import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { useAdapters } from '../../functions/lambda/wiring.ts';
import { handlerOf } from '../../infra/local/entry-points.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import { ROUTE_ENTRY_POINTS } from '../../manifest/entry-points.ts';
import { routeKey, type RouteKey } from '../../manifest/routes.ts';
import { eid, iccid, imsi } from '../support/ids.ts';
import { invokeRoute, type Caller } from '../support/invoke.ts';

/**
 * What a handler refuses of a request that API Gateway's JWT authorizer lets through: platform
 * scopes on a tenant's token, repeated or unknown query parameters, numbers not written plainly.
 */
const store = new MemoryEventStore();
const admin: Caller = { sub: 'ops', scope: 'platform:admin' };
const alice: Caller = { sub: 'alice', tenant: 'acme', scope: 'sims:write sims:read audit:read policies:write policies:read' };
const eve: Caller = { sub: 'eve', tenant: 'globex', scope: 'sims:read' };
const path = { eid: eid(1) };

/** A route invoked with a raw query string, as API Gateway passes it: repeated names joined with commas in queryStringParameters. */
const withQuery = async (key: RouteKey, caller: Caller, params: Record<string, string>, rawQuery: string, headers: Record<string, string> = {}) => {
  const entry = ROUTE_ENTRY_POINTS.find((e) => routeKey(e.trigger.route) === key)!;
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) joined[name] = name in joined ? `${joined[name]},${value}` : value;
  const rawPath = entry.trigger.route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);
  const requestId = randomUUID();
  const event = {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString: rawQuery,
    headers,
    ...(rawQuery && { queryStringParameters: joined }),
    ...(Object.keys(params).length > 0 && { pathParameters: params }),
    requestContext: {
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: { ...caller }, scopes: null } },
      http: { method: entry.trigger.route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'unit' },
      requestId,
      routeKey: key,
    },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const result = (await (await handlerOf(entry))(event, lambdaContext(entry.id, requestId))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
};

const paths = (answer: { body: { errors?: { path: string }[] } }) => answer.body.errors?.map((e) => e.path);

beforeAll(async () => {
  useAdapters({ eventStore: store });
  expect((await invokeRoute('POST /v1/mnos', admin, { body: { id: 'northwind-de', name: 'Northwind', plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://cmp.example.com', credentialsRef: 'secret://mno/northwind-de' }, capabilities: ['data.apns'] } })).status).toBe(201);
  expect((await invokeRoute('POST /v1/mnos/{mnoId}/verification', admin, { path: { mnoId: 'northwind-de' }, body: allChecksPassed() })).status).toBe(200);
  for (const tenantId of ['acme', 'globex']) expect((await invokeRoute('POST /v1/enterprises', admin, { body: { tenantId, name: tenantId } })).status).toBe(201);
  expect((await invokeRoute('PUT /v1/enterprise/mnos', alice, { body: { mnos: ['northwind-de'] } })).status).toBe(200);
  expect((await invokeRoute('POST /v1/sims', alice, { body: { eid: eid(1), profiles: [{ iccid: iccid(1), mno: 'northwind-de', imsi: imsi(1) }] } })).status).toBe(201);
  expect((await invokeRoute('PUT /v1/policies/{policyId}', alice, { path: { policyId: 'fleet' }, body: { data: { apns: ['iot.acme'] } } })).status).toBe(200);
  expect((await invokeRoute('POST /v1/policies/{policyId}/publish', alice, { path: { policyId: 'fleet' } })).status).toBe(202);
});

describe('platform scopes are honoured only on tokens without a tenant claim', () => {
  const mallory: Caller = { sub: 'mallory', tenant: 'acme', scope: 'platform:admin mnos:read sims:read' };

  it('a tenant token carrying platform:admin cannot suspend another tenant (403), and nothing changes', async () => {
    const before = (await store.load('T#globex#ENTERPRISE')).commits.length;
    const refused = await invokeRoute('POST /v1/enterprises/{tenantId}/suspend', mallory, { path: { tenantId: 'globex' } });
    expect(refused).toMatchObject({ status: 403, body: { type: '/problems/platform-scope-on-tenant-token' } });
    expect((await store.load('T#globex#ENTERPRISE')).commits.length).toBe(before);
    expect((await invokeRoute('GET /v1/sims/{eid}', eve, { path })).body.type).toBe('/problems/sim-not-found');
  });

  it('nor onboard a tenant, nor register, verify or take out an MNO', async () => {
    const refusals = await Promise.all([
      invokeRoute('POST /v1/enterprises', mallory, { body: { tenantId: 'sneaky', name: 'x' } }),
      invokeRoute('POST /v1/enterprises/{tenantId}/reinstate', mallory, { path: { tenantId: 'globex' } }),
      invokeRoute('POST /v1/mnos/{mnoId}/outage', mallory, { path: { mnoId: 'northwind-de' }, body: { reason: 'x' } }),
      invokeRoute('POST /v1/mnos/{mnoId}/verification', mallory, { path: { mnoId: 'northwind-de' }, body: allChecksPassed() }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403]);
  });

  it('on a route a tenant may use, it acts with its tenant scopes only: an MNO without its endpoint or credentials', async () => {
    const seen = await invokeRoute('GET /v1/mnos/{mnoId}', mallory, { path: { mnoId: 'northwind-de' } });
    expect(seen.status).toBe(200);
    expect(seen.body.api).toEqual({ style: 'rest-oauth2' });
    expect(seen.body.checks).toBeUndefined();
    expect((await invokeRoute('GET /v1/mnos/{mnoId}', admin, { path: { mnoId: 'northwind-de' } })).body.api.endpoint).toBe('https://cmp.example.com');
  });

  it('a platform token still acts, and is still refused on tenant routes', async () => {
    expect((await invokeRoute('GET /v1/mnos', admin)).status).toBe(200);
    expect(await invokeRoute('GET /v1/sims/{eid}', { ...admin, scope: 'platform:admin sims:read' }, { path })).toMatchObject({ status: 403, body: { type: '/problems/no-tenant' } });
  });
});

describe('query parameters: each at most once, and only those the route takes', () => {
  it('a repeated parameter is a 400 naming it, on every route that takes a query', async () => {
    const cases: [RouteKey, Record<string, string>, string, string][] = [
      ['GET /v1/sims', {}, 'state=active&state=suspended', '/query/state'],
      ['GET /v1/sims', {}, 'label=a&label=b', '/query/label'],
      ['GET /v1/sims/{eid}', path, 'at=2020-01-01T00:00:00Z&at=2030-01-01T00:00:00Z', '/query/at'],
      ['GET /v1/sims/{eid}/events', path, 'limit=1&limit=2', '/query/limit'],
      ['GET /v1/cascades', {}, 'status=running&status=failed', '/query/status'],
      ['GET /v1/policies/{policyId}/versions/{version}/effective', { policyId: 'fleet', version: '1' }, 'mno=northwind-de&mno=northwind-de', '/query/mno'],
    ];
    for (const [key, params, query, name] of cases) {
      const answer = await withQuery(key, alice, params, query);
      expect(answer.status, `${key}?${query}`).toBe(400);
      expect(paths(answer), `${key}?${query}`).toEqual([name]);
    }
  });

  it('an unknown parameter is a 400 naming it, on routes with a query and without', async () => {
    const cases: [RouteKey, Record<string, string>, string, string[]][] = [
      ['GET /v1/sims', {}, 'foo=1', ['/query/foo']],
      ['GET /v1/sims/{eid}', path, 'at=2030-01-01T00:00:00Z&as_of=x', ['/query/as_of']],
      ['GET /v1/sims/{eid}/events', path, 'limit=5&offset=3', ['/query/offset']],
      ['GET /v1/cascades', {}, 'mno=x', ['/query/mno']],
      ['GET /v1/policies/{policyId}/versions/{version}/effective', { policyId: 'fleet', version: '1' }, 'mno=northwind-de&verbose=1', ['/query/verbose']],
      ['GET /v1/sims/{eid}/audit', path, 'foo=1&bar=2&bar=3', ['/query/foo', '/query/bar']],
      ['GET /v1/policies/{policyId}', { policyId: 'fleet' }, 'a~b/c=1', ['/query/a~0b~1c']],
    ];
    for (const [key, params, query, names] of cases) {
      const answer = await withQuery(key, alice, params, query);
      expect(answer.status, `${key}?${query}`).toBe(400);
      expect(paths(answer), `${key}?${query}`).toEqual(expect.arrayContaining(names));
    }
  });

  it('a command with a query appends nothing', async () => {
    const before = (await store.load(`T#acme#SIM#${eid(1)}`)).commits.length;
    expect((await withQuery('POST /v1/sims/{eid}/activate', alice, path, 'force=true')).status).toBe(400);
    expect((await store.load(`T#acme#SIM#${eid(1)}`)).commits.length).toBe(before);
  });

  it('the parameters a route takes, once each, still work', async () => {
    expect((await withQuery('GET /v1/sims/{eid}', alice, path, `at=${encodeURIComponent(new Date().toISOString())}`)).status).toBe(200);
    expect((await withQuery('GET /v1/sims/{eid}/events', alice, path, 'limit=1')).body.items).toHaveLength(1);
    expect((await withQuery('GET /v1/policies/{policyId}/versions/{version}/effective', alice, { policyId: 'fleet', version: '1' }, 'mno=northwind-de')).status).toBe(200);
    expect((await withQuery('GET /v1/sims/{eid}/audit', alice, path, '')).status).toBe(200);
  });
});

describe('numbers are canonical positive integers: no sign, leading zero, exponent or decimal point', () => {
  it('a policy version', async () => {
    expect((await invokeRoute('GET /v1/policies/{policyId}/versions/{version}', alice, { path: { policyId: 'fleet', version: '1' } })).status).toBe(200);
    for (const version of ['1.0', '01', '+1', '1e0', '0x1', ' 1', '1 ', '0', '-1', '1.', '9'.repeat(20)]) {
      const answer = await invokeRoute('GET /v1/policies/{policyId}/versions/{version}', alice, { path: { policyId: 'fleet', version } });
      expect(answer.status, version).toBe(400);
      expect(paths(answer), version).toEqual(['/path/version']);
      expect((await withQuery('GET /v1/policies/{policyId}/versions/{version}/effective', alice, { policyId: 'fleet', version }, 'mno=northwind-de')).status, version).toBe(400);
    }
  });

  it('a page size, an events cursor and If-Match', async () => {
    for (const limit of ['1.0', '01', '+1', '1e1', '0x2', ' 2'])
      expect(paths(await withQuery('GET /v1/sims/{eid}/events', alice, path, `limit=${encodeURIComponent(limit)}`)), limit).toEqual(['/query/limit']);
    for (const after of ['1.0', '01', '1e0', '0x1'])
      expect(paths(await withQuery('GET /v1/sims/{eid}/events', alice, path, `cursor=${Buffer.from(after).toString('base64url')}`)), after).toEqual(['/query/cursor']);
    expect((await withQuery('GET /v1/sims/{eid}/events', alice, path, `cursor=${Buffer.from('1').toString('base64url')}`)).status).toBe(200);
    for (const tag of ['"01"', '"1.0"', '"+1"'])
      expect((await invokeRoute('PUT /v1/sims/{eid}/labels', alice, { path, headers: { 'if-match': tag }, body: { labels: ['a'] } })).body.type, tag).toBe('/problems/invalid-if-match');
  });
});
