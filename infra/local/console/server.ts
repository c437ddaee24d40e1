import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { requestPath } from '../request-path.ts';

/**
 * The ops console on the local runtime (`console` in endpoints.json): a few static files, and the
 * API's GET routes under the same origin, so the page needs no CORS and its CSP allows only 'self'.
 * It is read-only twice over: the page only reads, and this server passes on GET and HEAD alone
 * (anything else is a 405 before it reaches the API). Only the Authorization header goes through,
 * and only to a request named to 127.0.0.1 or localhost with a path as sent (else 421 or 400).
 */
const PUBLIC = new URL('./public/', import.meta.url);
const FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/console.css': ['console.css', 'text/css; charset=utf-8'],
  '/console.js': ['console.js', 'text/javascript; charset=utf-8'],
  '/api.js': ['api.js', 'text/javascript; charset=utf-8'],
  '/dom.js': ['dom.js', 'text/javascript; charset=utf-8'],
  '/panels.js': ['panels.js', 'text/javascript; charset=utf-8'],
};

/** Scripts, styles and API calls from this origin only; no inline script or style, no frames, no forms posted anywhere. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

const problem = (res: ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
};

/** The request on to the API with `node:http`, the path exactly as sent (fetch would resolve `%2e%2e` first). */
const forward = (api: string, req: IncomingMessage, res: ServerResponse, path: string) => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
  const { hostname, port } = new URL(api);
  const upstream = request({ host: hostname, port, method: req.method, path, headers, timeout: 10_000 }, (answer) => {
    const passed: Record<string, string> = { ...SECURITY_HEADERS };
    for (const name of ['content-type', 'etag', 'retry-after', 'www-authenticate']) {
      const value = answer.headers[name];
      if (typeof value === 'string') passed[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, passed);
    answer.pipe(res);
  });
  upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
  upstream.on('error', () => (res.headersSent ? res.destroy() : problem(res, 502, 'Bad Gateway', 'the API did not answer')));
  upstream.end();
};

export interface ConsoleServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the console for the API at `api` (e.g. http://127.0.0.1:3000) on 127.0.0.1, on `port`
 * (`npm start`: the one after the API's, 3001 by default, the same after a restart), or on a free
 * one if that is taken (saying so) or `port` is 0.
 */
export const startConsole = async (options: { api: string; port?: number; log?: (message: string) => void }): Promise<ConsoleServer> => {
  const files = Object.fromEntries(Object.entries(FILES).map(([path, [file, type]]) => [path, { body: readFileSync(new URL(file, PUBLIC)), type }]));
  let hosts = new Set<string>();
  const server = createServer((req, res) => {
    // Only this console's own names (no DNS rebinding), and only a path as sent: not an absolute or `//` target.
    if (!hosts.has(req.headers.host ?? '')) return problem(res, 421, 'Misdirected Request', 'the console answers to 127.0.0.1 and localhost only');
    const target = req.url ?? '';
    if (!requestPath(target)) return problem(res, 400, 'Bad Request', 'send the path alone, e.g. GET /v1/mnos');
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'Method Not Allowed', 'the console is read-only: it only reads the API', { allow: 'GET, HEAD' });
    const path = target.split('?')[0]!;
    // The API's paths go on exactly as sent: its gateway refuses dot segments and encoded separators itself.
    if (path.startsWith('/v1/') || path === '/health') return forward(options.api, req, res, target);
    const file = files[path];
    if (!file) return problem(res, 404, 'Not Found', `no such page: ${path}`);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  const listen = (port: number) =>
    new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail);
        ok();
      });
    });
  const wanted = options.port ?? 0;
  try {
    await listen(wanted);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await listen(0);
    options.log?.(`port ${wanted} for the ops console is taken by another process: it is on ${(server.address() as { port: number }).port} instead`);
  }
  const { port } = server.address() as { port: number };
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};
