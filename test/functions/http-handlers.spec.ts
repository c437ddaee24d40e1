import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { useAdapters } from '../../functions/lambda/wiring.ts';
import { routeHandler } from '../../functions/http/http-handler.ts';
import { eid, iccid, imsi } from '../support/ids.ts';
import { RawBody, invokeRoute, type Caller } from '../support/invoke.ts';
import { eimSigning, issueEuiccCertificate } from '../../adapters/signing/eim-signing.ts';
import { memorySigner } from '../../adapters/signing/file-signer.ts';
import { useEimSigning } from '../../functions/lambda/eim-wiring.ts';
import { simulatedEuicc } from '../../infra/local/devices/euicc-device.ts';

/**
 * The HTTP handlers as Lambda runs them (middleware and all), on the in-memory event store: what a
 * user meets, without Java or a runtime. The integration tier runs the same routes end to end.
 */
const store = new MemoryEventStore();
const admin: Caller = { sub: 'ops', scope: 'platform:admin' };
const alice: Caller = { sub: 'alice', tenant: 'acme', scope: 'sims:write sims:read audit:read policies:write policies:read' };
const bob: Caller = { sub: 'bob', tenant: 'acme', scope: 'sims:write sims:read' };
const eve: Caller = { sub: 'eve', tenant: 'globex', scope: 'sims:write sims:read policies:write' };
const registration = (mno: string) => ({
  id: mno,
  name: mno,
  plmns: ['262-91'],
  countries: ['DE'],
  api: { style: 'rest-oauth2', endpoint: 'https://cmp.example.com', credentialsRef: `secret://mno/${mno}` },
  capabilities: ['data.apns'],
});
const sim = (n: number, mno = 'northwind-de') => ({ eid: eid(n), profiles: [{ iccid: iccid(n), mno, imsi: imsi(n) }] });

beforeAll(async () => {
  useAdapters({ eventStore: store });
  expect((await invokeRoute('POST /v1/mnos', admin, { body: registration('northwind-de') })).status).toBe(201);
  expect((await invokeRoute('POST /v1/mnos/{mnoId}/verification', admin, { path: { mnoId: 'northwind-de' }, body: allChecksPassed() })).status).toBe(200);
  for (const tenantId of ['acme', 'globex']) {
    expect((await invokeRoute('POST /v1/enterprises', admin, { body: { tenantId, name: tenantId } })).status).toBe(201);
    const caller = tenantId === 'acme' ? alice : eve;
    expect((await invokeRoute('PUT /v1/enterprise/mnos', { ...caller, scope: 'policies:write' }, { body: { mnos: ['northwind-de'] } })).status).toBe(200);
  }
});

describe('SIM routes on the in-memory event store', () => {
  it('registers a SIM: 201, ETag, Location; the SIM and a claim per identifier are recorded', async () => {
    const answer = await invokeRoute('POST /v1/sims', alice, { body: sim(1) });
    expect(answer).toMatchObject({ status: 201, headers: { etag: '"1"', location: `/v1/sims/${eid(1)}` }, body: { eid: eid(1), state: 'inventory', version: 1 } });
    expect(store.streamIds().filter((s) => s.startsWith('CLAIM#'))).toEqual(expect.arrayContaining([`CLAIM#EID#${eid(1)}`, `CLAIM#ICCID#${iccid(1)}`, `CLAIM#IMSI#${imsi(1)}`]));
  });

  it('an ICCID another tenant holds is a 409 that names no one, and that tenant records nothing', async () => {
    await invokeRoute('POST /v1/sims', alice, { body: sim(2) });
    const taken = await invokeRoute('POST /v1/sims', eve, { body: { ...sim(3), profiles: [{ iccid: iccid(2), mno: 'northwind-de', imsi: imsi(3) }] } });
    expect(taken).toMatchObject({ status: 409, body: { type: '/problems/iccid-in-use' } });
    expect(JSON.stringify(taken.body)).not.toMatch(/acme|alice/);
    expect((await store.load(`T#globex#SIM#${eid(3)}`)).commits).toEqual([]);
  });

  it('another tenant’s SIM is a 404, as one that does not exist', async () => {
    await invokeRoute('POST /v1/sims', alice, { body: sim(4) });
    const theirs = await invokeRoute('GET /v1/sims/{eid}', eve, { path: { eid: eid(4) } });
    const none = await invokeRoute('GET /v1/sims/{eid}', eve, { path: { eid: eid(999) } });
    expect(theirs).toMatchObject({ status: 404, body: { type: '/problems/sim-not-found' } });
    expect(theirs.body).toEqual({ ...none.body, instance: theirs.body.instance });
  });

  it('a lifecycle command pinned to a stale version is a 412 and changes nothing; the current one lands', async () => {
    await invokeRoute('POST /v1/sims', alice, { body: sim(5) });
    const path = { eid: eid(5) };
    expect((await invokeRoute('POST /v1/sims/{eid}/activate', alice, { path, headers: { 'if-match': '"0"' } })).status).toBe(412);
    expect((await invokeRoute('POST /v1/sims/{eid}/activate', alice, { path, headers: { 'if-match': '"1"' } })).body).toMatchObject({ state: 'active', version: 2 });
  });

  it('termination takes two people: the requester cannot approve, someone else can', async () => {
    await invokeRoute('POST /v1/sims', alice, { body: sim(6) });
    const path = { eid: eid(6) };
    expect((await invokeRoute('POST /v1/sims/{eid}/terminate', alice, { path })).status).toBe(202);
    expect((await invokeRoute('POST /v1/sims/{eid}/terminate/approve', alice, { path })).body).toMatchObject({ type: '/problems/same-approver' });
    expect((await invokeRoute('POST /v1/sims/{eid}/terminate/approve', bob, { path })).body).toMatchObject({ state: 'terminated' });
  });

  it('bad input is a 400 naming the field, a missing scope a 403, no token a 401; none appends anything', async () => {
    const before = store.streamIds().length;
    expect(await invokeRoute('GET /v1/sims/{eid}', alice, { path: { eid: '123' } })).toMatchObject({ status: 400, body: { errors: [{ path: '/path/eid' }] } });
    expect(await invokeRoute('POST /v1/sims', alice, { body: { ...sim(7), extra: true } })).toMatchObject({ status: 400, body: { type: '/problems/validation-failed' } });
    expect(await invokeRoute('POST /v1/sims', { ...alice, scope: 'sims:read' }, { body: sim(7) })).toMatchObject({ status: 403, body: { type: '/problems/insufficient-scope' } });
    expect(await invokeRoute('POST /v1/sims', undefined, { body: sim(7) })).toMatchObject({ status: 401 });
    expect(store.streamIds().length).toBe(before);
  });

  it('a suspended tenant is refused (403) until reinstated', async () => {
    await invokeRoute('POST /v1/enterprises/{tenantId}/suspend', admin, { path: { tenantId: 'globex' } });
    expect(await invokeRoute('GET /v1/sims/{eid}', eve, { path: { eid: eid(8) } })).toMatchObject({ status: 403, body: { type: '/problems/tenant-not-active' } });
    await invokeRoute('POST /v1/enterprises/{tenantId}/reinstate', admin, { path: { tenantId: 'globex' } });
    expect((await invokeRoute('GET /v1/sims/{eid}', eve, { path: { eid: eid(8) } })).status).toBe(404);
  });
});

describe('policy routes on the in-memory event store', () => {
  it('publishing records the version and its cascade to the enterprise’s MNOs; publishing again unchanged is a no-op naming that cascade', async () => {
    expect((await invokeRoute('PUT /v1/policies/{policyId}', alice, { path: { policyId: 'fleet' }, body: { data: { apns: ['iot.acme'] } } })).status).toBe(200);
    const published = await invokeRoute('POST /v1/policies/{policyId}/publish', alice, { path: { policyId: 'fleet' } });
    expect(published).toMatchObject({ status: 202, body: { version: 1 } });
    const { cascadeId } = published.body as { cascadeId: string };
    const started = eventsOf((await store.load(`T#acme#CASCADE#${cascadeId}`)).commits);
    expect(started).toMatchObject([{ type: 'CascadeStarted', data: { cascadeId, subject: { kind: 'policy', policyId: 'fleet', version: 1 }, targets: ['northwind-de'] } }]);
    expect(await invokeRoute('POST /v1/policies/{policyId}/publish', alice, { path: { policyId: 'fleet' } })).toMatchObject({ status: 200, body: { version: 1, cascadeId, unchanged: true } });
    expect(eventsOf((await store.load(`T#acme#CASCADE#${cascadeId}`)).commits)).toHaveLength(1);
  });
});

describe('profile operations on the in-memory event store', () => {
  const twoProfiles = (n: number) => ({ eid: eid(n), profiles: [{ iccid: iccid(n), mno: 'northwind-de', imsi: imsi(n) }, { iccid: iccid(n + 1), mno: 'northwind-de', imsi: imsi(n + 1), fallback: true }] });

  it('enabling a disabled profile queues an eIM package: 202, its Location, and the package queued there; the SIM shows it', async () => {
    expect((await invokeRoute('POST /v1/sims', alice, { body: twoProfiles(40) })).status).toBe(201);
    const queued = await invokeRoute('POST /v1/sims/{eid}/profiles/{iccid}/enable', alice, { path: { eid: eid(40), iccid: iccid(41) } });
    expect(queued).toMatchObject({ status: 202, headers: { location: `/v1/sims/${eid(40)}/eim-packages/1` }, body: { counter: 1, status: 'queued', psmos: [{ op: 'enable', iccid: iccid(41), rollback: true }] } });
    expect(queued.body.transactionId).toMatch(/^[0-9a-f]{16}$/);
    const pkg = await invokeRoute('GET /v1/sims/{eid}/eim-packages/{counter}', alice, { path: { eid: eid(40), counter: '1' } });
    expect(pkg).toMatchObject({ status: 200, body: { counter: 1, status: 'queued' } });
    const shown = await invokeRoute('GET /v1/sims/{eid}', alice, { path: { eid: eid(40) } });
    expect(shown.body).toMatchObject({ enabledProfile: iccid(40), profiles: [{ iccid: iccid(40), state: 'enabled' }, { iccid: iccid(41), state: 'disabled', fallback: true }] });
  });

  it('what the eUICC would refuse is a 409 naming why; a bad ICCID or counter a 400; another tenant’s SIM or an unknown package a 404', async () => {
    expect((await invokeRoute('POST /v1/sims', alice, { body: twoProfiles(42) })).status).toBe(201);
    const enabled = await invokeRoute('POST /v1/sims/{eid}/profiles/{iccid}/enable', alice, { path: { eid: eid(42), iccid: iccid(42) } });
    expect(enabled).toMatchObject({ status: 409, body: { type: '/problems/psmo-refused' } });
    expect(enabled.body.detail).toContain('profile-not-in-disabled-state');
    expect((await invokeRoute('POST /v1/sims/{eid}/profiles/{iccid}/enable', alice, { path: { eid: eid(42), iccid: '123' } })).status).toBe(400);
    expect((await invokeRoute('POST /v1/sims/{eid}/profiles/{iccid}/enable', alice, { path: { eid: eid(42), iccid: iccid(43) }, body: { rollback: 'yes' } })).status).toBe(400);
    expect((await invokeRoute('GET /v1/sims/{eid}/eim-packages/{counter}', alice, { path: { eid: eid(42), counter: '01' } })).status).toBe(400);
    expect((await invokeRoute('GET /v1/sims/{eid}/eim-packages/{counter}', alice, { path: { eid: eid(42), counter: '9' } })).body).toMatchObject({ type: '/problems/package-not-found' });
    expect((await invokeRoute('POST /v1/sims/{eid}/profiles/{iccid}/enable', eve, { path: { eid: eid(42), iccid: iccid(43) } })).status).toBe(404);
    expect((await invokeRoute('GET /v1/sims/{eid}/eim-packages/{counter}', eve, { path: { eid: eid(42), counter: '1' } })).status).toBe(404);
  });
});

describe('the devices’ routes (ESipa) on the in-memory event store', () => {
  const eimKey = memorySigner(undefined, 'eim');
  const eum = memorySigner(undefined, 'eum');

  it('a device fetches its signed package with a request its eUICC signed, runs it, and its signed result is recorded: the profile is switched', async () => {
    useEimSigning(eimSigning({ eimId: 'switchboard', signer: eimKey, eums: async () => [await eum.publicJwk()] }));
    const id = eid(60);
    expect((await invokeRoute('POST /v1/sims', alice, { body: { eid: id, profiles: [{ iccid: iccid(60), mno: 'northwind-de', imsi: imsi(60) }, { iccid: iccid(61), mno: 'northwind-de', imsi: imsi(61), fallback: true }] } })).status).toBe(201);
    const device = simulatedEuicc({
      eid: id,
      eimId: 'switchboard',
      eimPublicJwk: await eimKey.publicJwk(),
      attachable: () => true,
      profiles: [
        { iccid: iccid(60), state: 'enabled', fallback: false },
        { iccid: iccid(61), state: 'disabled', fallback: true },
      ],
    });
    const certificate = await issueEuiccCertificate(eum, id, await device.publicJwk());
    const ask = async () => invokeRoute('POST /v1/esipa/{eid}/packages/next', undefined, { path: { eid: id }, body: { request: await device.request(new Date()), certificate } });
    expect((await ask()).status).toBe(204);
    await invokeRoute('POST /v1/sims/{eid}/profiles/{iccid}/enable', alice, { path: { eid: id, iccid: iccid(61) } });
    const fetched = await ask();
    expect(fetched.status).toBe(200);
    const result = await device.load(fetched.body.package);
    expect(await invokeRoute('POST /v1/esipa/{eid}/results', undefined, { path: { eid: id }, body: { result, certificate } })).toMatchObject({ status: 200, body: { recorded: true } });
    expect(await invokeRoute('POST /v1/esipa/{eid}/results', undefined, { path: { eid: id }, body: { result, certificate } })).toMatchObject({ status: 200, body: { recorded: false } });
    expect((await invokeRoute('GET /v1/sims/{eid}/eim-packages/{counter}', alice, { path: { eid: id, counter: '1' } })).body).toMatchObject({ status: 'executed', results: [{ op: 'enable', outcome: 'ok' }] });
    expect((await invokeRoute('GET /v1/sims/{eid}', alice, { path: { eid: id } })).body).toMatchObject({ enabledProfile: iccid(61) });
  });

  it('a request or result that is not the eUICC’s is a 401 that says only that; a malformed body a 400; nothing is recorded', async () => {
    const id = eid(60);
    const forger = simulatedEuicc({ eid: id, eimId: 'switchboard', eimPublicJwk: await eimKey.publicJwk(), attachable: () => true, profiles: [] });
    const selfSigned = await issueEuiccCertificate(memorySigner(), id, await forger.publicJwk());
    const version = (await store.load(`T#acme#SIM#${id}`)).head.version;
    const asked = await invokeRoute('POST /v1/esipa/{eid}/packages/next', undefined, { path: { eid: id }, body: { request: await forger.request(new Date()), certificate: selfSigned } });
    expect(asked).toMatchObject({ status: 401, body: { type: '/problems/signature-refused', detail: 'the signature or the eUICC certificate does not hold' } });
    expect((await invokeRoute('POST /v1/esipa/{eid}/results', undefined, { path: { eid: id }, body: { result: await forger.request(new Date()), certificate: selfSigned } })).status).toBe(401);
    expect((await invokeRoute('POST /v1/esipa/{eid}/results', undefined, { path: { eid: id }, body: { result: 'x' } })).status).toBe(400);
    expect((await store.load(`T#acme#SIM#${id}`)).head.version).toBe(version);
  });
});

describe('bodies no handler should have to survive', () => {
  it('a body nested deeper than 16 levels is a 400 before anything reads it (with an Idempotency-Key too: no 500 from hashing it)', async () => {
    const deep = new RawBody(`{"eid":${'['.repeat(30_000)}"x"${']'.repeat(30_000)}}`);
    const answer = await invokeRoute('POST /v1/sims', alice, { body: deep, headers: { 'idempotency-key': 'deep-1' } });
    expect(answer).toMatchObject({ status: 400, body: { type: '/problems/body-too-deep' } });
    let ok: unknown = 1;
    for (let i = 0; i < 15; i++) ok = [ok];
    expect((await invokeRoute('POST /v1/sims', alice, { body: { eid: ok } })).body.type).toBe('/problems/validation-failed');
  });

  it('a device’s request validly signed by its certified eUICC but not JSON is a 401, not a 500', async () => {
    const eimKey = memorySigner(undefined, 'eim');
    const eum = memorySigner(undefined, 'eum');
    useEimSigning(eimSigning({ eimId: 'switchboard', signer: eimKey, eums: async () => [await eum.publicJwk()] }));
    const key = memorySigner(undefined, 'euicc');
    const certificate = await issueEuiccCertificate(eum, eid(60), await key.publicJwk());
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'euicc' })).toString('base64url');
    const payload = Buffer.from('not json').toString('base64url');
    const signature = Buffer.from(await key.sign(new TextEncoder().encode(`${header}.${payload}`))).toString('base64url');
    const answer = await invokeRoute('POST /v1/esipa/{eid}/packages/next', undefined, { path: { eid: eid(60) }, body: { request: { protected: header, payload, signature }, certificate } });
    expect(answer).toMatchObject({ status: 401, body: { type: '/problems/signature-refused' } });
  });
});

describe('making a route’s handler', () => {
  const fn = async () => ({ statusCode: 204 });
  it('a route that takes an Idempotency-Key is made with idempotentHandler, any other with httpHandler: the wrong maker fails at import, naming the route', () => {
    expect(() => routeHandler('POST /v1/sims', fn)).toThrow('POST /v1/sims: takes an Idempotency-Key, make it with idempotentHandler');
    expect(() => routeHandler('GET /v1/sims', fn, undefined, {})).toThrow('GET /v1/sims: keeps no idempotency records, make it with httpHandler');
  });
});
