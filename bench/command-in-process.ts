import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { lambdaContext } from '../infra/local/lambda-context.ts';
import { versionOf } from './stream-pool.ts';

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export type Lifecycle = 'activate' | 'suspend' | 'resume';

/**
 * The SIM lifecycle Lambda handlers, called in this process with the API Gateway v2 events the
 * local gateway (infra/local/api-gateway.ts) builds after its JWT authorizer: the claims of a
 * real token as strings, its scopes, a fresh request id and Lambda context per call. Imported
 * only once the runtime has set the environment the handlers read at cold start.
 */
export const inProcessCaller = async (token: string, host: string) => {
  const lifecycle = (await import('../functions/http/sims/lifecycle.ts')) as unknown as Record<Lifecycle, Handler>;
  const payload = decodeJwt(token);
  const claims = Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];

  return (action: Lifecycle, eid: string) => {
    const path = `/v1/sims/${eid}/${action}`;
    const routeKey = `POST /v1/sims/{eid}/${action}`;
    const requestId = randomUUID();
    const now = Date.now();
    const functionName = `switchboard-sims-lifecycle-ts-${action}`;
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey,
      rawPath: path,
      rawQueryString: '',
      headers: { host, connection: 'keep-alive', authorization: `Bearer ${token}` },
      pathParameters: { eid },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes } },
        domainName: host,
        domainPrefix: 'localhost',
        http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
        requestId,
        routeKey,
        stage: '$default',
        time: new Date(now).toISOString(),
        timeEpoch: now,
      },
      isBase64Encoded: false,
    };
    const context = lambdaContext(functionName, requestId);
    return lifecycle[action](event, context);
  };
};

export type InProcessCaller = Awaited<ReturnType<typeof inProcessCaller>>;

/** Calls one handler and insists on 200 with the version the command should have appended. */
export const invokeExpecting = async (call: InProcessCaller, action: Lifecycle, eid: string, version: number) => {
  const result = await call(action, eid);
  const etag = (result.headers as Record<string, string> | undefined)?.etag;
  if (result.statusCode !== 200 || etag !== `"${version}"`)
    throw new Error(`in-process ${action}: expected 200 "${version}", got ${result.statusCode} ${etag ?? ''} ${String(result.body).slice(0, 300)}`);
};

/** The measured in-process command: suspend, resume, suspend, … on a SIM that starts active. */
export const inProcessCommand = (call: InProcessCaller) => (eid: string, use: number) =>
  invokeExpecting(call, use % 2 === 0 ? 'suspend' : 'resume', eid, versionOf(use));
