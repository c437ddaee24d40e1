import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../infra/local/runtime.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { eid, iccid, imsi, unique } from './ids.ts';
import { contractViolations } from './openapi-contract.ts';

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** A raw body, sent as is. */
  raw?: string | Buffer;
  /** Check the answer against docs/openapi.json (the default; off only for an answer a test forces off the contract). */
  contract?: boolean;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

const tablesOf = (suffix: string) => ({
  EVENTS_TABLE: `switchboard-events-${suffix}`,
  IDEMPOTENCY_TABLE: `switchboard-idempotency-${suffix}`,
  WEBHOOK_DEAD_LETTERS_TABLE: `switchboard-webhook-dead-letters-${suffix}`,
  WEBHOOK_DELIVERIES_TABLE: `switchboard-webhook-deliveries-${suffix}`,
  READ_MODELS_TABLE: `switchboard-read-models-${suffix}`,
  BULK_ITEMS_TABLE: `switchboard-bulk-items-${suffix}`,
  MNO_RATE_TABLE: `switchboard-mno-rate-${suffix}`,
  SIGNALS_TABLE: `switchboard-signals-${suffix}`,
});

/** MNOs every test tenant works with (registered and verified, on no real endpoint). */
export const TEST_MNOS = ['vodafone-de', 'orange-fr'];


/** Registers an MNO as the platform would, and records passing security checks (a repeat is harmless). */
export const registerMno = async (call: (m: string, p: string, o?: CallOptions) => Promise<Reply>, admin: string, id: string, capabilities: string[] = []) => {
  const registered = await call('POST', '/v1/mnos', {
    token: admin,
    body: { id, name: id, plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'http://127.0.0.1:9', credentialsRef: `secret://mno/${id}` }, capabilities },
  });
  if (registered.status !== 201 && registered.status !== 409) throw new Error(`MNO registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const verified = await call('POST', `/v1/mnos/${id}/verification`, { token: admin, body: allChecksPassed() });
  if (verified.status !== 200) throw new Error(`MNO verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
};

/**
 * The local runtime on a free port, sharing the run's DynamoDB Local; a client as a user would call it.
 * `restartOf`: the same data folder and tables as that one (stopped first), as a restart would find them.
 * A restart in the same process keeps the handlers loaded (as a warm Lambda does), with their clients
 * on the endpoints of the first runtime: pass `streams: false` to a restarted one if nothing needs them.
 */
export const startLocalApi = async (options: Partial<Pick<RuntimeOptions, 'mnos' | 'stepFunctions' | 'log' | 'streams' | 'devicePollMs' | 'devices' | 'traffic'>> & { restartOf?: LocalApi } = {}): Promise<LocalApi> => {
  const dataDir = options.restartOf?.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  // Tables of this test file's own: stream pollers of other files' runtimes never see its events.
  const tables = options.restartOf?.tables ?? tablesOf(randomUUID().slice(0, 8));
  Object.assign(process.env, tables);
  // The test MNOs have no endpoint: their health probe always fails. Not an outage in a test run (a test of detection sets its own).
  process.env.MNO_PROBE_FAIL_AFTER_MS ??= '86400000';
  const runtime: Runtime = await startRuntime({
    port: 0,
    dataDir,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    mnos: options.mnos ?? [],
    stepFunctions: options.stepFunctions,
    log: options.log,
    streams: options.streams,
    // The simulated devices poll only in the tests that ask them to (each poll is two signed calls).
    devicePollMs: options.devicePollMs ?? 3_600_000,
    devices: options.devices,
    // The simulated MNOs' normal traffic only where a test asks for it (anomalies are sent at once whatever the tick).
    traffic: options.traffic ?? { tickMs: 3_600_000 },
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
    const violations = options.contract === false ? [] : contractViolations(method, runtime.url + path, res.status, res.headers, parsed);
    if (violations.length > 0) throw new Error(`the answer is not what docs/openapi.json says:\n${violations.join('\n')}`);
    return { status: res.status, headers: res.headers, body: parsed };
  };

  const token = (tenant: string | undefined, scope: string, sub = 'alice') => runtime.issuer.sign({ subject: sub, tenant, scopes: scope.split(' ') });

  const admin = await token(undefined, 'platform:admin', 'ops');
  for (const id of TEST_MNOS) await registerMno(call, admin, id);

  /** Onboards a fresh tenant and returns a token for it with the given scopes. */
  const tenant = async (scope = 'sims:write sims:read audit:read', sub = 'alice') => {
    const id = `t-${unique()}`;
    const r = await call('POST', '/v1/enterprises', { token: admin, body: { tenantId: id, name: `Tenant ${id}` } });
    if (r.status !== 201) throw new Error(`onboarding failed: ${r.status} ${JSON.stringify(r.body)}`);
    const chosen = await call('PUT', '/v1/enterprise/mnos', { token: await token(id, 'policies:write', 'admin'), body: { mnos: TEST_MNOS } });
    if (chosen.status !== 200) throw new Error(`choosing MNOs failed: ${chosen.status} ${JSON.stringify(chosen.body)}`);
    return { id, token: await token(id, scope, sub), tokenFor: (s: string, who = sub) => token(id, s, who) };
  };

  /** A valid SIM registration body with fresh identifiers. */
  const newSim = () => {
    const n = unique();
    return { eid: eid(n), profiles: [{ iccid: iccid(n % 1e12), mno: 'vodafone-de', imsi: imsi(n % 1e10) }] };
  };

  return { runtime, dataDir, tables, call, token, admin, tenant, newSim, stop: () => runtime.stop() };
};

export interface LocalApi {
  runtime: Runtime;
  dataDir: string;
  tables: ReturnType<typeof tablesOf>;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  token(tenant: string | undefined, scope: string, sub?: string): Promise<string>;
  admin: string;
  tenant(scope?: string, sub?: string): Promise<{ id: string; token: string; tokenFor(scope: string, who?: string): Promise<string> }>;
  newSim(): { eid: string; profiles: { iccid: string; mno: string; imsi: string }[] };
  stop(): Promise<void>;
}
