import { randomUUID } from 'node:crypto';
import { createServer, maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../../functions/http/middleware/json-body.ts';
import { ROUTES, routeKey, type Route } from '../../manifest/routes.ts';
import type { Authorization } from './jwt-authorizer.ts';
import { lambdaContext } from './lambda-context.ts';

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const compiled = ROUTES.map((route: Route) => {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'));
  return { route, names, regex: new RegExp(`^${pattern}$`) };
});

type Match = { route: Route; params: Record<string, string> } | { allow: string } | 'bad-path' | undefined;

/** The route for a method and path (HEAD is answered by a GET route), or the methods the path allows. */
const match = (method: string, path: string): Match => {
  const allowed = new Set<string>();
  for (const { route, names, regex } of compiled) {
    const m = regex.exec(path);
    if (!m) continue;
    allowed.add(route.method);
    if (route.method === 'GET') allowed.add('HEAD');
    if (route.method !== (method === 'HEAD' ? 'GET' : method)) continue;
    try {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { route, params };
    } catch {
      return 'bad-path';
    }
  }
  return allowed.size > 0 ? { allow: [...allowed].sort().join(', ') } : undefined;
};

/**
 * The request target split as sent, or undefined for one that would have to be resolved to be
 * routed: dot segments (`.` and `..`, also written with `%2e` in any case), empty segments (`//`),
 * backslashes and encoded separators (`%2f`, `%5c`). Nothing is normalised: a path is routed as
 * written or refused.
 */
const requestTarget = (raw: string) => {
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  if (!path.startsWith('/') || path.includes('//') || /\\|%2f|%5c/i.test(path)) return undefined;
  if (path.slice(1).split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return undefined;
  return { path, query: at < 0 ? '' : raw.slice(at + 1) };
};

/** As API Gateway passes them: a repeated parameter's values joined with commas. */
const queryParameters = (query: string) => {
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) joined[name] = Object.hasOwn(joined, name) ? `${joined[name]},${value}` : value;
  return joined;
};

/** Every answer with its length (so that HEAD gets the headers GET would, and no body); none on a 204 or 304, which have no body. */
const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, status === 204 || status === 304 ? headers : { ...headers, 'content-length': String(bytes.length) });
  res.end(bytes);
};

const problemBody = (status: number, title: string, detail: string) => JSON.stringify({ type: 'about:blank', title, status, detail });

const problem = (res: ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
  send(res, status, { 'content-type': 'application/problem+json', ...headers }, problemBody(status, title, detail));

/**
 * What Node refuses before a request exists (headers over its limit, a malformed request, a
 * request too slow to arrive), answered as a problem like every other error, then the connection closed.
 */
const refuseMalformed = (error: NodeJS.ErrnoException, socket: Duplex) => {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', `the request line and headers are over ${maxHeaderSize} bytes`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'the request did not arrive in time']
        : [400, 'Bad Request', 'the request is not well-formed HTTP/1.1'];
  const body = problemBody(status, title, detail);
  socket.end(`HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
};

const NO_BODY = Buffer.alloc(0);

/** Reads the body, giving up (→ undefined) as soon as it passes the limit. A request that says it has none is not read. */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> => {
  const { 'content-length': length, 'transfer-encoding': chunked } = req.headers;
  if (length === '0' || (length === undefined && chunked === undefined)) return Promise.resolve(NO_BODY);
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
};

/** Headers that must be unambiguous (Node keeps only the first of some of them, silently). */
const SINGLE = new Set(['authorization', 'content-type', 'content-length', 'idempotency-key', 'if-match', 'x-correlation-id']);

/** The first of those headers that the request gives more than once, if any. */
const repeated = (raw: readonly string[]) => {
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!SINGLE.has(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
};

const isText = (contentType: string | undefined) => !contentType || /json|text|xml|x-www-form-urlencoded/i.test(contentType);

const functionNames = new Map<Route, string>();
/** The Lambda function name a route's handler runs as (kept per route). */
const functionNameOf = (route: Route) => {
  let name = functionNames.get(route);
  if (name === undefined) functionNames.set(route, (name = `switchboard-${route.entry.replace(/\W+/g, '-')}-${route.handler}`));
  return name;
};

export interface GatewayOptions {
  authorize(authorization: string | undefined, scopes: readonly string[]): Promise<Authorization>;
  /** Loads the handler a route names (the same module and export a Lambda would run). */
  load(route: Route): Promise<Handler>;
}

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): routes by the shared route
 * table, runs the JWT authorizer, and hands each handler the event API Gateway would.
 */
export const createGateway = ({ authorize, load }: GatewayOptions): Server =>
  createServer(async (req, res) => {
    try {
      const target = requestTarget(req.url ?? '');
      if (!target) return problem(res, 400, 'Bad Request', 'the path has dot segments, empty segments, backslashes or encoded separators: send it resolved');
      const { path, query } = target;
      const twice = repeated(req.rawHeaders);
      if (twice) return problem(res, 400, 'Bad Request', `the ${twice} header is given more than once: send it once`);
      const method = (req.method ?? 'GET').toUpperCase();
      const found = match(method, path);
      if (found === undefined) return problem(res, 404, 'Not Found', `no route for ${path}`);
      if (found === 'bad-path') return problem(res, 400, 'Bad Request', 'the path is not valid percent-encoding');
      if ('allow' in found) return problem(res, 405, 'Method Not Allowed', `${method} is not allowed on ${path}`, { allow: found.allow });
      const { route, params } = found;

      let authorizer: APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'] | undefined;
      if (!('public' in route && route.public)) {
        const auth = await authorize(req.headers.authorization, route.scopes);
        if (!auth.ok) {
          req.resume();
          const challenge = auth.status === 401 ? 'Bearer' : `Bearer error="insufficient_scope", scope="${route.scopes.join(' ')}"`;
          return problem(res, auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden', auth.reason, { 'www-authenticate': challenge });
        }
        authorizer = { principalId: '', integrationLatency: 0, jwt: { claims: auth.claims, scopes: auth.scopes } };
      }

      // The route's own limit where it declares one (the handler's middleware checks it too).
      const limit = ('maxBodyBytes' in route && route.maxBodyBytes) || MAX_BODY_BYTES;
      const body = await readBody(req, limit);
      if (body === undefined) {
        res.setHeader('connection', 'close');
        return problem(res, 413, 'Content Too Large', `the body is over ${limit} bytes`);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const text = isText(headers['content-type']);
      const requestId = randomUUID();
      const now = Date.now();
      const key = routeKey(route);
      const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
        version: '2.0',
        routeKey: key,
        rawPath: path,
        rawQueryString: query,
        headers,
        ...(query && { queryStringParameters: queryParameters(query) }),
        ...(Object.keys(params).length > 0 && { pathParameters: params }),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          authorizer: authorizer!,
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'localhost',
          http: { method, path, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
          requestId,
          routeKey: key,
          stage: '$default',
          time: new Date(now).toISOString(),
          timeEpoch: now,
        },
        ...(body.length > 0 && { body: text ? body.toString('utf8') : body.toString('base64') }),
        isBase64Encoded: body.length > 0 && !text,
      };
      const handler = await load(route);
      const result = await handler(event, lambdaContext(functionNameOf(route), requestId));
      const out = typeof result === 'object' && result !== null && 'statusCode' in result ? result : { statusCode: 200, body: JSON.stringify(result) };
      send(res, out.statusCode ?? 200, { 'apigw-requestid': requestId, ...(out.headers as Record<string, string>) }, out.isBase64Encoded ? Buffer.from(out.body ?? '', 'base64') : (out.body ?? ''));
    } catch (error) {
      console.error('local gateway: handler failed', error);
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'the handler failed');
      else res.end();
    }
  }).on('clientError', refuseMalformed);
