import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFront } from '../../infra/local/regions/front.ts';
import { eventually } from '../support/eventually.ts';

/** The failover front (infra/local/regions/front.ts) over two stand-in regions on loopback. */
const servers: Server[] = [];
const fronts: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const f of fronts.splice(0)) await f.stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }
});

/** A region answering `/health` 200 while `up`, and naming itself on every other path; when `hung`, it answers nothing. */
const region = async (name: string) => {
  const state = { up: true, hung: false };
  const server = createServer((req, res) => {
    if (state.hung) return;
    if (req.url === '/health') return void res.writeHead(state.up ? 200 : 503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: name, path: req.url, host: req.headers.host }));
  });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { state, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
};

const start = async () => {
  const [a, b] = [await region('a'), await region('b')];
  const front = await startFront({
    regions: [
      { name: 'a', url: a.url },
      { name: 'b', url: b.url },
    ],
    health: { intervalMs: 50, timeoutMs: 100, failureThreshold: 3 },
    requestTimeoutMs: 1_000,
    control: { fail: async (r) => void ((r === 'a' ? a : b).state.hung = true), recover: async (r) => void ((r === 'a' ? a : b).state.hung = false) },
  });
  fronts.push(front);
  return { a, b, front };
};

describe('the failover front', () => {
  it('sends traffic to the primary; fails over once it fails its checks; fails back only when told, and only to a region healthy again', async () => {
    const { a, front } = await start();
    expect(await (await fetch(`${front.url}/v1/x?y=1`)).json()).toMatchObject({ region: 'a', path: '/v1/x?y=1' });
    a.state.up = false;
    await eventually(() => front.status().active, (active) => active === 'b', 'failed over to b', { timeout: 5_000 });
    expect(await (await fetch(`${front.url}/v1/x`)).json()).toMatchObject({ region: 'b' });
    expect(front.status().switches).toMatchObject([{ from: 'a', to: 'b', why: 'a failed 3 health checks' }]);
    a.state.up = true;
    await eventually(() => front.status().regions.a!.healthy, Boolean, 'a healthy again', { timeout: 5_000 });
    expect(front.status().active).toBe('b');
    expect((await fetch(`${front.url}/_sim/regions/a/primary`, { method: 'POST' })).status).toBe(200);
    expect(await (await fetch(`${front.url}/v1/x`)).json()).toMatchObject({ region: 'a' });
  });

  it('a region that answers nothing: the request held there is a 503 with Retry-After, once; the region is failed over', async () => {
    const { front } = await start();
    expect((await fetch(`${front.url}/_sim/regions/a/fail`, { method: 'POST' })).status).toBe(200);
    const held = await fetch(`${front.url}/v1/x`);
    expect(held.status).toBe(503);
    expect(held.headers.get('retry-after')).toBe('5');
    expect(await held.json()).toMatchObject({ status: 503, detail: expect.stringContaining('did not answer') });
    expect(front.status().active).toBe('b');
  });

  it('forwards paths only: a request target naming another host is a 400, never sent on', async () => {
    const { front } = await start();
    const { port } = new URL(front.url);
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '//evil.example/steal', headers: { authorization: 'Bearer secret' } }, (res) => ok(res.statusCode!));
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(400);
    expect((await fetch(`${front.url}/_sim/regions/nowhere/fail`, { method: 'POST' })).status).toBe(404);
  });
});
