import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eid, iccid, imei, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
let acme: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi();
  acme = await api.tenant();
});
afterAll(() => api.stop());

const register = async (body = api.newSim(), token = acme.token) => {
  const r = await api.call('POST', '/v1/sims', { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return body.eid;
};
const command = (eid: string, action: string, token = acme.token, body?: unknown) => api.call('POST', `/v1/sims/${eid}/${action}`, { token, body });

describe('registering a SIM', () => {
  it('201 in inventory, with ETag and Location', async () => {
    const n = unique();
    const body = {
      eid: eid(n),
      profiles: [
        { iccid: iccid(n % 1e12), mno: 'vodafone-de', imsi: imsi(n % 1e10) },
        { iccid: iccid((n + 1) % 1e12), mno: 'orange-fr', imsi: imsi((n + 1) % 1e10), fallback: true },
      ],
      imei: imei(n % 1e6),
    };
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ eid: body.eid, state: 'inventory', version: 1, imei: body.imei });
    expect(r.body.profiles).toHaveLength(2);
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.headers.get('location')).toBe(`/v1/sims/${body.eid}`);
  });

  it('invalid identifiers are a 400 naming each field', async () => {
    const sim = api.newSim();
    const body = { eid: sim.eid.slice(0, -1) + ((Number(sim.eid.at(-1)) + 1) % 10), profiles: [{ iccid: '8944000000000000002', mno: 'x', imsi: '1' }], imei: '123456789012345' };
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/eid', '/profiles/0/iccid', '/profiles/0/mno', '/profiles/0/imsi', '/imei']));
    expect((await api.call('GET', `/v1/sims/${body.eid}`, { token: acme.token })).status).toBe(400);
  });

  it('an IMSI whose MCC-MNC is none of its MNO’s PLMNs (a US IMSI on a German MNO) is a 400 naming the profile; nothing is claimed', async () => {
    const sim = api.newSim();
    const us = { ...sim, profiles: [{ ...sim.profiles[0]!, imsi: '310410' + sim.profiles[0]!.imsi.slice(6) }] };
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body: us });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ type: '/problems/imsi-not-of-mno' });
    expect(r.body.detail).toContain(`profile 0 (ICCID ${sim.profiles[0]!.iccid})`);
    expect(r.body.detail).not.toContain(us.profiles[0]!.imsi);
    expect((await api.call('POST', '/v1/sims', { token: acme.token, body: sim })).status).toBe(201);
  });

  it('two fallback profiles are refused', async () => {
    const sim = api.newSim();
    const n = unique();
    const body = { ...sim, profiles: [{ ...sim.profiles[0]!, fallback: true }, { iccid: iccid(n % 1e12), mno: 'orange-fr', imsi: imsi(n % 1e10), fallback: true }] };
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body });
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('/problems/fallback-profiles');
  });

  it('the same EID again → 409', async () => {
    const sim = api.newSim();
    await register(sim);
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    expect(r.status).toBe(409);
  });

  it("an EID another tenant holds → 409 that does not name the tenant, and the SIM stays the holder's", async () => {
    const other = await api.tenant();
    const sim = api.newSim();
    await register(sim, other.token);
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body: sim });
    expect(r.status).toBe(409);
    expect(JSON.stringify(r.body)).not.toContain(other.id);
    expect((await api.call('GET', `/v1/sims/${sim.eid}`, { token: acme.token })).status).toBe(404);
    expect((await api.call('GET', `/v1/sims/${sim.eid}`, { token: other.token })).status).toBe(200);
  });
});

describe('identifiers belong to one SIM, platform-wide', () => {
  it("another tenant's ICCID or IMSI → 409 naming no one; the operator-facing SIM stays the holder's", async () => {
    const other = await api.tenant();
    const theirs = api.newSim();
    await register(theirs, other.token);
    const n = unique();
    const sameIccid = { eid: eid(n), profiles: [{ ...theirs.profiles[0]!, imsi: imsi(n % 1e10) }] };
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body: sameIccid });
    expect(r.status).toBe(409);
    expect(r.body.type).toBe('/problems/iccid-in-use');
    expect(JSON.stringify(r.body)).not.toContain(other.id);
    const sameImsi = { eid: eid(n + 1), profiles: [{ ...theirs.profiles[0]!, iccid: iccid((n + 1) % 1e12) }] };
    expect((await api.call('POST', '/v1/sims', { token: acme.token, body: sameImsi })).body.type).toBe('/problems/imsi-in-use');
  });

  it('two SIMs of one tenant cannot share an ICCID', async () => {
    const first = api.newSim();
    await register(first);
    const n = unique();
    const r = await api.call('POST', '/v1/sims', { token: acme.token, body: { eid: eid(n), profiles: [{ ...first.profiles[0]!, imsi: imsi(n % 1e10) }] } });
    expect(r.status).toBe(409);
  });

  it('a registration refused for its content claims nothing', async () => {
    const sim = api.newSim();
    const refused = await api.call('POST', '/v1/sims', { token: acme.token, body: { ...sim, profiles: [{ ...sim.profiles[0]!, mno: 'not-chosen' }] } });
    expect(refused.status).toBe(400);
    const other = await api.tenant();
    expect((await api.call('POST', '/v1/sims', { token: other.token, body: sim })).status).toBe(201);
  });
});

describe('lifecycle over HTTP', () => {
  it('inventory → active ⇄ suspended, each 200 with the new state and version', async () => {
    const id = await register();
    const activated = await command(id, 'activate', acme.token, { reason: 'deployed' });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ state: 'active', version: 2 });
    expect(activated.headers.get('etag')).toBe('"2"');
    expect((await command(id, 'suspend')).body).toMatchObject({ state: 'suspended', version: 3 });
    expect((await command(id, 'resume')).body).toMatchObject({ state: 'active', version: 4 });
  });

  it('a command already satisfied is a no-op: 200, same version, no event', async () => {
    const id = await register();
    await command(id, 'activate');
    const again = await command(id, 'activate');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'active', version: 2 });
    const events = await api.call('GET', `/v1/sims/${id}/events`, { token: acme.token });
    expect(events.body.items).toHaveLength(2);
  });

  it('an illegal transition → 409 whose type names it, and nothing changes', async () => {
    const id = await register();
    const r = await command(id, 'suspend');
    expect(r.status).toBe(409);
    expect(r.body.type).toBe('/problems/illegal-transition');
    expect((await api.call('GET', `/v1/sims/${id}`, { token: acme.token })).body).toMatchObject({ state: 'inventory', version: 1 });
  });

  it('terminate: 202 pending, the requester cannot approve (403), someone else can; then no command is taken', async () => {
    const id = await register();
    await command(id, 'activate');
    await command(id, 'suspend');
    const pending = await command(id, 'terminate', acme.token, { reason: 'device scrapped' });
    expect(pending.status).toBe(202);
    expect(pending.body.pendingTermination).toMatchObject({ requestedBy: 'alice', reason: 'device scrapped' });
    const self = await command(id, 'terminate/approve');
    expect(self.status).toBe(403);
    expect(self.body.type).toBe('/problems/same-approver');
    const bob = await acme.tokenFor('sims:write sims:read', 'bob');
    const approved = await command(id, 'terminate/approve', bob);
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('terminated');
    for (const action of ['activate', 'resume', 'suspend', 'terminate']) {
      const r = await command(id, action);
      expect(r.status).toBe(409);
      expect(r.body.type).toBe('/problems/sim-terminated');
    }
  });

  it('a pending termination can be cancelled', async () => {
    const id = await register();
    await command(id, 'terminate');
    const cancelled = await command(id, 'terminate/cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.pendingTermination).toBeUndefined();
    expect((await command(id, 'activate')).body.state).toBe('active');
  });

  it('a SIM of another tenant is a 404, the same as one that does not exist', async () => {
    const other = await api.tenant();
    const theirs = await register(api.newSim(), other.token);
    const missing = api.newSim().eid;
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/events'],
      ['GET', '/audit'],
      ['POST', '/activate'],
      ['POST', '/suspend'],
    ] as const) {
      const a = await api.call(method, `/v1/sims/${theirs}${path}`, { token: acme.token });
      const b = await api.call(method, `/v1/sims/${missing}${path}`, { token: acme.token });
      expect(a.status, path).toBe(404);
      expect({ ...a.body, instance: undefined }).toEqual({ ...b.body, instance: undefined });
    }
    expect((await api.call('GET', `/v1/sims/${theirs}`, { token: other.token })).body.state).toBe('inventory');
  });
});

describe('reading a SIM', () => {
  it('?at= shows the SIM as it was then', async () => {
    const id = await register();
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await command(id, 'activate');
    const then = await api.call('GET', `/v1/sims/${id}?at=${encodeURIComponent(between)}`, { token: acme.token });
    expect(then.body).toMatchObject({ state: 'inventory', version: 1 });
    expect(then.headers.get('etag')).toBe('"1"');
    expect((await api.call('GET', `/v1/sims/${id}`, { token: acme.token })).body).toMatchObject({ state: 'active', version: 2 });
    expect((await api.call('GET', `/v1/sims/${id}?at=2000-01-01T00:00:00Z`, { token: acme.token })).status).toBe(404);
    expect((await api.call('GET', `/v1/sims/${id}?at=yesterday`, { token: acme.token })).status).toBe(400);
  });

  it('events: version, type, time, actor and data, paginated by cursor', async () => {
    const id = await register();
    for (const action of ['activate', 'suspend', 'resume', 'suspend']) await command(id, action);
    const pages: { version: number; type: string; actor: string; time: string }[][] = [];
    let cursor: string | undefined;
    do {
      const r = await api.call('GET', `/v1/sims/${id}/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: acme.token });
      expect(r.status).toBe(200);
      pages.push(r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const all = pages.flat();
    expect(all.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(all.map((e) => e.type)).toEqual(['SimRegistered', 'SimActivated', 'SimSuspended', 'SimResumed', 'SimSuspended']);
    expect(all.every((e) => e.actor === 'alice' && !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect((await api.call('GET', `/v1/sims/${id}/events?cursor=!!`, { token: acme.token })).status).toBe(400);
    expect((await api.call('GET', `/v1/sims/${id}/events?limit=1000`, { token: acme.token })).status).toBe(400);
  });

  it('events are readable with audit:read alone; audit needs audit:read', async () => {
    const id = await register();
    const auditor = await acme.tokenFor('audit:read', 'auditor');
    expect((await api.call('GET', `/v1/sims/${id}/events`, { token: auditor })).status).toBe(200);
    const reader = await acme.tokenFor('sims:read', 'reader');
    expect((await api.call('GET', `/v1/sims/${id}/audit`, { token: reader })).status).toBe(403);
    const audit = await api.call('GET', `/v1/sims/${id}/audit`, { token: auditor });
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({ valid: true, commits: 1, head: { version: 1 } });
    expect(audit.body.head.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
