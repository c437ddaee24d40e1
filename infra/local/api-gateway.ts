import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

const match = (method: string, path: string) => {
  let pathMatched = false;
  for (const { route, names, regex } of compiled) {
    const m = regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    try {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { route, params };
    } catch {
      return 'bad-path';
    }
  }
  return pathMatched ? 'method-not-allowed' : undefined;
};

const problem = (res: ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
};

/** Reads the body, giving up (→ undefined) as soon as it passes the limit. */
const readBody = (req: IncomingMessage, limit: number) =>
  new Promise<Buffer | undefined>((resolve, reject) => {
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

const isText = (contentType: string | undefined) => !contentType || /json|text|xml|x-www-form-urlencoded/i.test(contentType);

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
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const found = match(method, url.pathname);
      if (found === undefined) return problem(res, 404, 'Not Found', `no route for ${url.pathname}`);
      if (found === 'bad-path') return problem(res, 400, 'Bad Request', 'the path is not valid percent-encoding');
      if (found === 'method-not-allowed') return problem(res, 405, 'Method Not Allowed', `${method} is not allowed on ${url.pathname}`);
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

      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === undefined) {
        res.setHeader('connection', 'close');
        return problem(res, 413, 'Content Too Large', `the body is over ${MAX_BODY_BYTES} bytes`);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const text = isText(headers['content-type']);
      const requestId = randomUUID();
      const now = Date.now();
      const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
        version: '2.0',
        routeKey: routeKey(route),
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(url.search && { queryStringParameters: Object.fromEntries(url.searchParams) }),
        ...(Object.keys(params).length > 0 && { pathParameters: params }),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          authorizer: authorizer!,
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'localhost',
          http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
          requestId,
          routeKey: routeKey(route),
          stage: '$default',
          time: new Date(now).toISOString(),
          timeEpoch: now,
        },
        ...(body.length > 0 && { body: text ? body.toString('utf8') : body.toString('base64') }),
        isBase64Encoded: body.length > 0 && !text,
      };
      const handler = await load(route);
      const result = await handler(event, lambdaContext(`switchboard-${route.entry.replace(/\W+/g, '-')}-${route.handler}`, requestId));
      const out = typeof result === 'object' && result !== null && 'statusCode' in result ? result : { statusCode: 200, body: JSON.stringify(result) };
      res.writeHead(out.statusCode ?? 200, { 'apigw-requestid': requestId, ...(out.headers as Record<string, string>) });
      res.end(out.isBase64Encoded ? Buffer.from(out.body ?? '', 'base64') : (out.body ?? ''));
    } catch (error) {
      console.error('local gateway: handler failed', error);
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'the handler failed');
      else res.end();
    }
  });
