import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.ts';
import { CONSOLE_CSP, startConsole, type ConsoleServer } from '../../infra/local/console/server.ts';

/** The console's server against a stub API that records what reaches it. */
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
let api: Server;
let console_: ConsoleServer;
beforeAll(async () => {
  api = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'x=1', etag: '"3"' });
    res.end('{"items":[]}');
  });
  await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
  console_ = await startConsole({ api: `http://127.0.0.1:${(api.address() as { port: number }).port}` });
});
afterAll(async () => {
  await console_.stop();
  api.close();
});

const raw = (requestLine: string, host?: string) => rawRequest(console_.url, requestLine, host);

describe('the console’s server', () => {
  it('passes a read on to the API with the Authorization header alone, and the API’s answer back without its cookies', async () => {
    seen.length = 0;
    const r = await fetch(`${console_.url}v1/mnos?limit=5`, { headers: { authorization: 'Bearer t', cookie: 'session=1', 'x-forwarded-for': '10.0.0.1' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('"3"');
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(r.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(seen).toEqual([{ method: 'GET', url: '/v1/mnos?limit=5', headers: expect.objectContaining({ authorization: 'Bearer t' }) }]);
    expect(seen[0]!.headers.cookie).toBeUndefined();
    expect(seen[0]!.headers['x-forwarded-for']).toBeUndefined();
  });

  it('refuses every write before it reaches the API', async () => {
    seen.length = 0;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) expect((await fetch(`${console_.url}v1/sims`, { method })).status, method).toBe(405);
    expect(seen).toEqual([]);
  });

  it('passes a path on exactly as sent, for the API’s gateway to refuse dot segments itself', async () => {
    seen.length = 0;
    await raw('GET /v1/sims/%2e%2e/mnos HTTP/1.1');
    expect(seen.map((s) => s.url)).toEqual(['/v1/sims/%2e%2e/mnos']);
  });

  it('answers an absolute or `//` target with 400, and a malformed one does not bring it down', async () => {
    expect(await raw('GET http://[/ HTTP/1.1')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('GET http://evil.example/v1/mnos HTTP/1.1')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('GET //evil/v1/mnos HTTP/1.1')).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(console_.url)).status).toBe(200);
  });

  it('answers only to its own names: another Host (a rebound DNS name) gets 421', async () => {
    const port = new URL(console_.url).port;
    expect(await raw('GET /v1/mnos HTTP/1.1', `attacker.example:${port}`)).toMatch(/^HTTP\/1\.1 421/);
    expect((await fetch(`http://localhost:${port}/`)).status).toBe(200);
  });

  it('takes the port it is given, and another one, saying so, when that one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const taken = (blocker.address() as { port: number }).port;
    const notes: string[] = [];
    const moved = await startConsole({ api: 'http://127.0.0.1:9', port: taken, log: (m) => notes.push(m) });
    try {
      expect(new URL(moved.url).port).not.toBe(String(taken));
      expect(notes).toEqual([`port ${taken} for the ops console is taken by another process: it is on ${new URL(moved.url).port} instead`]);
    } finally {
      await moved.stop();
      blocker.close();
    }
  });

  it('serves its own files and nothing else', async () => {
    expect((await fetch(`${console_.url}console.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${console_.url}server.ts`)).status).toBe(404);
    expect((await fetch(`${console_.url}public/console.js`)).status).toBe(404);
  });
});
