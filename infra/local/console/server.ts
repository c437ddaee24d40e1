import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * The ops console on the local runtime (`console` in endpoints.json): a few static files, and the
 * API's GET routes under the same origin, so the page needs no CORS and its CSP allows only 'self'.
 * It is read-only twice over: the page only reads, and this server passes on GET and HEAD alone
 * (anything else is a 405 before it reaches the API). Only the Authorization header goes through.
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

const forward = async (api: string, req: IncomingMessage, res: ServerResponse, path: string) => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
  try {
    const answer = await fetch(api + path, { method: req.method, headers, signal: AbortSignal.timeout(10_000) });
    const body = Buffer.from(await answer.arrayBuffer());
    const passed: Record<string, string> = { ...SECURITY_HEADERS };
    for (const name of ['content-type', 'etag', 'retry-after', 'www-authenticate']) {
      const value = answer.headers.get(name);
      if (value) passed[name] = value;
    }
    res.writeHead(answer.status, passed);
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    problem(res, 502, 'Bad Gateway', 'the API did not answer');
  }
};

export interface ConsoleServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the console for the API at `api` (e.g. http://127.0.0.1:3000) on 127.0.0.1. */
export const startConsole = async (options: { api: string; port?: number }): Promise<ConsoleServer> => {
  const files = Object.fromEntries(Object.entries(FILES).map(([path, [file, type]]) => [path, { body: readFileSync(new URL(file, PUBLIC)), type }]));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'Method Not Allowed', 'the console is read-only: it only reads the API', { allow: 'GET, HEAD' });
    if (path.startsWith('/v1/') || path === '/health') return void forward(options.api, req, res, path + url.search);
    const file = files[path];
    if (!file) return problem(res, 404, 'Not Found', `no such page: ${path}`);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};
