import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MnoFaultsSchema, type FaultState } from './faults.ts';
import { requestPath } from '../request-path.ts';

export interface CmpRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query?: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CmpReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; absent → empty body. */
  json?: unknown;
}

/** What one API style contributes; the fault gate, admin routes and server life are shared. */
export interface CmpApi {
  handle(request: CmpRequest): CmpReply | Promise<CmpReply>;
  /** How this CMP says "try again later" when a fault makes a call fail transiently. */
  transient(): CmpReply;
  /** `restrictions`: what each restricted (quarantined) SIM is held to. */
  state(): { profiles: Record<string, unknown>; sims: Record<string, string>; restrictions?: Record<string, unknown>; throttled?: number };
  /** What the CMP holds (profiles, SIMs, jobs), by name: kept across restarts when the simulator has a state file. */
  held: Record<string, Map<string, unknown>>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export const json = (status: number, body?: unknown, headers: Record<string, string> = {}): CmpReply => ({
  status,
  headers,
  ...(body !== undefined && { json: body }),
});

/** The parsed JSON body, or undefined when it is not JSON. */
export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** Matches `/v1/things/{id}` against a path; the named segments come back decoded. */
export const matchPath = (pattern: string, path: string): Record<string, string> | undefined => {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = got[i]!;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (segment !== part) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    try {
      params[name] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
};

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return resolve(undefined);
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export interface ServedCmp {
  url: string;
  calls(): number;
  stop(): Promise<void>;
}

/**
 * Serves one simulated CMP on 127.0.0.1: the unauthenticated admin routes under `/_sim/`
 * (faults, state, and `moreAdmin`'s), and every other request through the fault gate and then the style's API.
 */
export const serveCmp = async (options: {
  id: string;
  style: string;
  port?: number | undefined;
  faults: FaultState;
  api: CmpApi;
  /** Called after each CMP API call (not the admin routes), and waited for before the call is answered: what it changed is kept. */
  afterCall?: (() => void | Promise<void>) | undefined;
  /** More admin routes under `/_sim/` (e.g. traffic), asked first: undefined for a path they do not serve. */
  moreAdmin?: ((method: string, path: string, body: Buffer) => Promise<CmpReply | undefined>) | undefined;
  /** More CMP API routes (e.g. the Control Center pull routes), asked first after the fault gate: undefined for a path they do not serve. */
  moreApi?: ((request: CmpRequest) => CmpReply | undefined) | undefined;
}): Promise<ServedCmp> => {
  const { id, style, faults, api } = options;
  let calls = 0;
  /** Cuts short the latency of calls still waiting when the simulator stops. */
  const stopping = new AbortController();

  const admin = (method: string, path: string, body: Buffer): CmpReply => {
    if (path === '/_sim/faults' && method === 'PUT') {
      const parsed = MnoFaultsSchema.safeParse(parseJson(body));
      if (!parsed.success) return json(400, { error: 'invalid faults', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      faults.set(parsed.data);
      return json(204);
    }
    if (path === '/_sim/faults' && method === 'GET') return json(200, faults.current);
    if (path === '/_sim/state' && method === 'GET') return json(200, { id, style, faults: faults.current, calls, ...api.state() });
    return json(404, { error: `no admin route ${method} ${path}` });
  };

  const server = createServer(async (req, res) => {
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = requestPath(req.url);
      if (!url) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: 'the request target must be a path' }));
      }
      const path = url.pathname;
      const body = await readBody(req);
      let reply: CmpReply;
      if (body === undefined) {
        res.setHeader('connection', 'close');
        reply = json(413, { error: 'body too large' });
      } else if (path.startsWith('/_sim/')) {
        reply = (await options.moreAdmin?.(method, path, body)) ?? admin(method, path, body);
      } else {
        calls += 1;
        const latency = faults.current.latencyMs ?? 0;
        if (latency > 0) await sleep(latency, undefined, { signal: stopping.signal });
        const verdict = faults.judge();
        if (verdict === 'outage') return void req.socket.destroy();
        if (verdict === 'throttle') reply = json(429, { error: 'throttled' }, { 'retry-after': '1' });
        else if (verdict === 'transient') reply = api.transient();
        else {
          const request = { method, path, query: url.searchParams, headers: req.headers, body };
          reply = options.moreApi?.(request) ?? (await api.handle(request));
        }
        await options.afterCall?.();
      }
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.json !== undefined) headers['content-type'] ??= 'application/json';
      res.writeHead(reply.status, headers);
      res.end(reply.json === undefined ? undefined : JSON.stringify(reply.json));
    } catch (error) {
      if (stopping.signal.aborted) return void res.destroy();
      console.error(`mno simulator ${id}: handler failed`, error instanceof Error ? error.message : 'unknown error');
      if (res.headersSent) return void res.end();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
