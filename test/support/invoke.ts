import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTE_ENTRY_POINTS, entryPoint, type EntryPoint } from '../../manifest/entry-points.ts';
import { routeKey, type RouteKey } from '../../manifest/routes.ts';
import { handlerOf } from '../../infra/local/entry-points.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';

/**
 * Handlers invoked as Lambda invokes them, in this process: the manifest's module and export, an
 * API Gateway v2 event (claims as its JWT authorizer passes them), a Lambda context. For the unit
 * tier, with the in-memory event store in place (functions/lambda/wiring.ts `useAdapters`).
 */
export interface Caller {
  sub: string;
  scope: string;
  tenant?: string;
}

/** A body sent as it is written (one JSON.stringify could not write, say). */
export class RawBody {
  constructor(readonly text: string) {}
}

export interface HttpCall {
  path?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

const fill = (path: string, params: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);

export const invokeRoute = async (key: RouteKey, caller: Caller | undefined, call: HttpCall = {}): Promise<HttpAnswer> => {
  const entry = ROUTE_ENTRY_POINTS.find((e) => routeKey(e.trigger.route) === key);
  if (!entry) throw new Error(`no route ${key}`);
  const { route } = entry.trigger;
  const rawPath = fill(route.path, call.path ?? {});
  const requestId = randomUUID();
  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString: new URLSearchParams(call.query ?? {}).toString(),
    headers: { ...(call.body !== undefined && { 'content-type': 'application/json' }), ...call.headers },
    ...(call.query && { queryStringParameters: call.query }),
    ...(call.path && { pathParameters: call.path }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'unit',
      authorizer: caller ? { principalId: '', integrationLatency: 0, jwt: { claims: { ...caller }, scopes: null as never } } : (undefined as never),
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'unit' },
      requestId,
      routeKey: key,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(call.body !== undefined && { body: call.body instanceof RawBody ? call.body.text : JSON.stringify(call.body) }),
    isBase64Encoded: false,
  };
  const result = (await (await handlerOf(entry))(event, lambdaContext(entry.id, requestId, entry.timeoutSeconds * 1000))) as APIGatewayProxyStructuredResultV2;
  const text = result.body ?? '';
  return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, body: text ? JSON.parse(text) : undefined };
};

/** Any other entry point (a workflow task, a rule's target, a stream consumer), by its manifest id. */
export const invokeEntry = async (id: string | EntryPoint, event: unknown) => {
  const entry = typeof id === 'string' ? entryPoint(id) : id;
  return (await handlerOf(entry))(event, lambdaContext(entry.id, randomUUID(), entry.timeoutSeconds * 1000));
};
