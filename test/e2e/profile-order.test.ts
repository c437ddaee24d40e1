import { ScanCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { deviceMade, northAndSouth } from '../support/north-south.ts';

/**
 * Profiles ordered from an MNO's SM-DP+ (SGP.22 ES2+) on the local runtime: the order placed,
 * the device handed the download trigger by the eIM, the profile downloaded over ES9+ and
 * installed, the SM-DP+'s notifications moving it ordered → disabled; the activation code a
 * secret that appears nowhere else, and single use.
 */
const [north, south] = northAndSouth();
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
const logged: string[] = [];
// Every line the process writes (the handlers' Powertools logs included): the activation code must be in none.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), write(chunk, ...rest))) as typeof stream.write;
}
beforeAll(async () => {
  api = await startLocalApi({ mnos: [north, south], devicePollMs: 100, log: (m) => logged.push(m) });
  tenant = await api.tenant('sims:write sims:read policies:write');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [north.id, south.id] } })).status).toBe(200);
});
afterAll(() => api.stop());

const register = async () => {
  const n = unique();
  const id = eid(n);
  expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: id, profiles: [{ iccid: iccid(n % 1e12), mno: north.id, imsi: imsi(n % 1e10) }] } })).status).toBe(201);
  await deviceMade(api, id);
  return id;
};
const sim = async (id: string) => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body;
const events = async (id: string) => (await api.call('GET', `/v1/sims/${id}/events?limit=100`, { token: tenant.token })).body.items as { type: string; data: any }[];

/** Every file under a folder, read as text (what a secret must not be found in). */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return statSync(path).size < 50_000_000 && !path.includes('dynamodb') ? [readFileSync(path, 'latin1')] : [];
  });

describe('ordering a profile from an MNO’s SM-DP+', () => {
  it('is placed by ES2+, downloaded by the device, installed, and then usable; the activation code is nowhere but where it must be, and is used once', async () => {
    const id = await register();
    const ordered = await api.call('POST', `/v1/sims/${id}/profiles`, { token: tenant.token, body: { mno: south.id } });
    expect(ordered.status).toBe(202);
    expect(ordered.body).toMatchObject({ orderId: expect.stringMatching(/^order-/), mno: south.id, status: 'requested' });
    expect(JSON.stringify(ordered.body)).not.toContain('$');

    const installed = await eventually(() => sim(id), (s) => s.profiles.some((p: any) => p.mno === south.id && p.state === 'disabled'), 'the profile installed', { timeout: 30_000, interval: 100 });
    const profile = installed.profiles.find((p: any) => p.mno === south.id);
    expect(installed.orders).toEqual([{ orderId: ordered.body.orderId, mno: south.id, status: 'ordered', iccid: profile.iccid }]);
    expect(api.runtime.devices.devices.get(id)!.euicc.state().profiles).toContainEqual({ iccid: profile.iccid, state: 'disabled', fallback: false });
    const progress = (await events(id)).filter((e) => e.type === 'ProfileDownloadProgressed').map((e) => [e.data.point, e.data.ok]);
    expect(progress).toEqual([['eligibility', true], ['download', true], ['installation', true]]);

    // Installed, it is a profile like any other: the eIM can switch to it.
    expect((await api.call('POST', `/v1/sims/${id}/profiles/${profile.iccid}/enable`, { token: tenant.token })).status).toBe(202);
    await eventually(() => sim(id), (s) => s.enabledProfile === profile.iccid, 'the ordered profile enabled', { timeout: 30_000, interval: 100 });

    // The activation code: never in an event, a response, a log line or a file, and gone once installed.
    const { matchingId } = api.runtime.smdp.orders(south.id).get(profile.iccid)!;
    expect(matchingId).toMatch(/^[0-9A-F]{24}$/);
    const table = process.env.EVENTS_TABLE!;
    const stored = await new DynamoDBClient({ endpoint: api.runtime.dynamodbEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }).send(new ScanCommand({ TableName: table }));
    expect(JSON.stringify(stored.Items)).not.toContain(matchingId);
    expect(JSON.stringify(api.runtime.bus.archive)).not.toContain(matchingId);
    expect(JSON.stringify(await sim(id))).not.toContain(matchingId);
    expect(logged.join('\n')).not.toContain(matchingId);
    expect(filesUnder(api.dataDir).some((text) => text.includes(matchingId!))).toBe(false);
    expect(existsSync(join(api.dataDir, 'activation-codes', tenant.id, id, `${profile.iccid}.json`))).toBe(false);

    // Someone who learnt the code tries it on another eUICC: the SM-DP+ refuses, and Switchboard records that it did.
    const other = eid(unique());
    const attempt = await fetch(`${api.runtime.smdp.endpointOf(south.id)}/gsma/rsp2/es9plus/authenticateClient`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ matchingId, eid: other }) });
    expect(((await attempt.json()) as any).header.functionExecutionStatus.status).toBe('Failed');
    const refused = await eventually(async () => (await events(id)).filter((e) => e.type === 'ProfileDownloadProgressed' && !e.data.ok), (r) => r.length === 1, 'the refusal recorded');
    expect(refused[0]!.data).toMatchObject({ iccid: profile.iccid, point: 'eligibility', eid: other, reason: expect.stringContaining('used already') });
    expect((await sim(id)).profiles.find((p: any) => p.iccid === profile.iccid).state).not.toBe('ordered');
  });

  it('orders a profile for each SIM of a bulk operation, as one request for each would', async () => {
    const ids = [await register(), await register()];
    const started = await api.call('POST', '/v1/bulk-operations', { token: tenant.token, body: { action: 'order-profile', selector: { eids: ids }, mno: south.id } });
    expect(started.status).toBe(202);
    const done = await eventually(async () => (await api.call('GET', `/v1/bulk-operations/${started.body.id}`, { token: tenant.token })).body, (b) => b.status !== 'running', 'the bulk order', { timeout: 30_000, interval: 100 });
    expect(done).toMatchObject({ status: 'succeeded', counts: { total: 2, succeeded: 2 } });
    for (const id of ids) await eventually(() => sim(id), (s) => s.profiles.some((p: any) => p.mno === south.id && p.state === 'disabled'), `${id}'s profile installed`, { timeout: 30_000, interval: 100 });
  });

  it('refuses an order it cannot place, saying why, and appends nothing', async () => {
    const id = await register();
    const before = (await events(id)).length;
    expect((await api.call('POST', `/v1/sims/${id}/profiles`, { token: tenant.token, body: { mno: 'nowhere-mno' } })).body.type).toBe('/problems/mno-not-chosen');
    expect((await api.call('POST', `/v1/sims/${id}/profiles`, { token: tenant.token, body: { mno: north.id } })).status).toBe(409);
    expect((await api.call('POST', `/v1/sims/${id}/profiles`, { token: tenant.token, body: { mno: south.id, colour: 'red' } })).status).toBe(400);
    expect((await api.call('POST', `/v1/sims/${eid(unique())}/profiles`, { token: tenant.token, body: { mno: south.id } })).status).toBe(404);
    expect((await events(id)).length).toBe(before);
  });

  it('takes the SM-DP+’s notifications only signed with that MNO’s ES2+ key, and recently', async () => {
    const body = JSON.stringify({ header: { functionRequesterIdentifier: 'x', functionCallIdentifier: 'y' }, iccid: iccid(unique() % 1e12), timestamp: new Date().toISOString(), notificationPointId: 4, notificationPointStatus: { status: 'Executed-Success' } });
    const forged = await api.call('POST', `/v1/es2plus/${south.id}/handleDownloadProgressInfo`, { raw: body, headers: { 'content-type': 'application/json', 'x-es2plus-timestamp': String(Date.now()), 'x-es2plus-signature': 'ab'.repeat(32) } });
    expect(forged.status).toBe(401);
    const unsigned = await api.call('POST', `/v1/es2plus/${south.id}/handleDownloadProgressInfo`, { raw: body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
  });
});
