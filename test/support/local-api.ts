import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { eid, iccid, imsi, unique } from './ids.ts';

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** A raw body, sent as is. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** The local runtime on a free port, sharing the run's DynamoDB Local; a client as a user would call it. */
export const startLocalApi = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const runtime: Runtime = await startRuntime({
    port: 0,
    dataDir,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
  });

  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(runtime.url + path, { method, headers, body: body as string | undefined });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  const token = (tenant: string | undefined, scope: string, sub = 'alice') => runtime.issuer.sign({ subject: sub, tenant, scopes: scope.split(' ') });

  const admin = await token(undefined, 'platform:admin', 'ops');

  /** Onboards a fresh tenant and returns a token for it with the given scopes. */
  const tenant = async (scope = 'sims:write sims:read audit:read', sub = 'alice') => {
    const id = `t-${unique()}`;
    const r = await call('POST', '/v1/enterprises', { token: admin, body: { tenantId: id, name: `Tenant ${id}` } });
    if (r.status !== 201) throw new Error(`onboarding failed: ${r.status} ${JSON.stringify(r.body)}`);
    return { id, token: await token(id, scope, sub), tokenFor: (s: string, who = sub) => token(id, s, who) };
  };

  /** A valid SIM registration body with fresh identifiers. */
  const newSim = () => {
    const n = unique();
    return { eid: eid(n), profiles: [{ iccid: iccid(n % 1e12), mno: 'vodafone-de', imsi: imsi(n % 1e10) }] };
  };

  return { runtime, dataDir, call, token, admin, tenant, newSim, stop: () => runtime.stop() };
};

export type LocalApi = Awaited<ReturnType<typeof startLocalApi>>;
