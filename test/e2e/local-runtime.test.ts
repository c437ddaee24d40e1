import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { registerMno } from '../support/local-api.ts';
import { killAll, spawnRuntime, tempDataDir } from './runtime-process.ts';

const run = promisify(execFile);
const dataDir = tempDataDir();
const env = { ...process.env, SWITCHBOARD_DATA_DIR: dataDir, PORT: '0' };
// Every process started here, DynamoDB Local included, is killed even if a test fails.
afterAll(killAll);

/** `npm start` as a newcomer runs it (the script behind it, so signals reach it directly). */
const start = async () => {
  const runtime = spawnRuntime(dataDir);
  const { url, dynamo } = await runtime.started;
  return { child: runtime.child, url, dynamo, output: runtime.output };
};

const token = async (...args: string[]) => (await run('npm', ['run', '-s', 'token', '--', ...args], { env })).stdout;

const accepts = (endpoint: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(endpoint);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start and npm run token', () => {
  it('serves the API, accepts CLI tokens, keeps data across restarts, and SIGTERM stops Java too', async () => {
    const first = await start();
    expect(first.output()).toContain('curl');
    const admin = await token('--scope', 'platform:admin', '--sub', 'ops');
    expect(admin).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const tenant = `cli-${unique()}`;
    const call = (url: string, path: string, t: string, body?: unknown) =>
      fetch(url + path, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${t.trim()}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
    expect((await call(first.url, '/v1/enterprises', admin, { tenantId: tenant, name: 'CLI' })).status).toBe(201);
    const reply = (r: Response) => r.json().then((body) => ({ status: r.status, body, headers: r.headers }));
    await registerMno((m, p, o) => call(first.url, p, o!.token!, o!.body).then(reply), admin.trim(), 'vodafone-de');
    const policyAdmin = await token('--tenant', tenant, '--scope', 'policies:write');
    const chose = await fetch(first.url + '/v1/enterprise/mnos', { method: 'PUT', headers: { authorization: `Bearer ${policyAdmin.trim()}`, 'content-type': 'application/json' }, body: JSON.stringify({ mnos: ['vodafone-de'] }) });
    expect(chose.status).toBe(200);
    const user = await token('--tenant', tenant, '--scope', 'sims:write sims:read', '--sub', 'alice', '--ttl', '600');
    const n = unique();
    const sim = { eid: eid(n), profiles: [{ iccid: iccid(n % 1e12), mno: 'vodafone-de', imsi: imsi(n % 1e10) }] };
    expect((await call(first.url, '/v1/sims', user, sim)).status).toBe(201);

    // The newcomer's path over HTTP: the five simulated MNOs, a policy published to all of them.
    const policies = await token('--tenant', tenant, '--scope', 'policies:write policies:read mnos:read');
    const mnos = ((await (await call(first.url, '/v1/mnos', policies)).json()) as { items: { id: string; available: boolean }[] }).items.filter((m) => m.available && m.id !== 'vodafone-de');
    expect(mnos.map((m) => m.id).sort()).toEqual(['eastline-pl', 'meridian-es', 'northwind-de', 'orbital-fr', 'southgate-gb']);
    await fetch(first.url + '/v1/enterprise/mnos', { method: 'PUT', headers: { authorization: `Bearer ${policies.trim()}`, 'content-type': 'application/json' }, body: JSON.stringify({ mnos: mnos.map((m) => m.id) }) });
    await fetch(first.url + '/v1/policies/fleet', { method: 'PUT', headers: { authorization: `Bearer ${policies.trim()}`, 'content-type': 'application/json' }, body: JSON.stringify({ data: { apns: ['iot.acme'] }, imeiLock: true }) });
    const { cascadeId } = (await (await call(first.url, '/v1/policies/fleet/publish', policies, {})).json()) as { cascadeId: string };
    // Bounded only by the test's own 150 s, as the plain loop was.
    const cascade = await eventually(
      async () => (await (await call(first.url, `/v1/cascades/${cascadeId}`, policies)).json()) as { status: string; targets: { status: string }[] },
      (c) => c.status !== 'running',
      'the fleet policy cascade to finish',
      { timeout: 150_000, interval: 250 },
    );
    expect(cascade.status).toBe('succeeded');
    expect(cascade.targets.map((t) => t.status)).toEqual(Array(5).fill('verified'));

    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    expect(await accepts(first.dynamo)).toBe(false);

    const second = await start();
    const again = await call(second.url, `/v1/sims/${sim.eid}`, user);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { state: string }).state).toBe('inventory');
    second.child.kill('SIGINT');
    await new Promise((r) => second.child.once('exit', r));
    expect(await accepts(second.dynamo)).toBe(false);
  }, 150_000);

  it('token refuses bad arguments with a usage line and exit code 2', async () => {
    const failed = await token('--tenant', 'Bad Tenant!', '--scope', 'sims:read').catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/usage: npm run -s token/);
  });
});
