import { chmodSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/eventually.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { killAll, spawnRuntime, tempDataDir } from './runtime-process.ts';

/** Every folder and file under `dir` (itself as '.'), with its mode. */
const modes = (dir: string) => {
  const found: Record<string, string> = {};
  const walk = (path: string) => {
    const stat = lstatSync(path);
    found[relative(dir, path) || '.'] = (stat.mode & 0o777).toString(8);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
};
const privateModes = (dir: string) => Object.fromEntries(Object.entries(modes(dir)).map(([path]) => [path, statSync(join(dir, path)).isDirectory() ? '700' : '600']));
const loosen = (dir: string) => {
  for (const path of Object.keys(modes(dir))) chmodSync(join(dir, path), statSync(join(dir, path)).isDirectory() ? 0o755 : 0o644);
};

const running: LocalApi[] = [];
afterEach(async () => {
  for (const api of running.splice(0)) await api.stop();
  killAll();
});

/** Makes the runtime write what it writes: events (archive, log store, checkpoints), a webhook secret. */
const use = async (api: LocalApi) => {
  const t = await api.tenant('integrations:write sims:write');
  expect((await api.call('POST', '/v1/subscriptions', { token: t.token, body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['SimRegistered'] } })).status).toBe(201);
  await api.runtime.bus.idle();
};

describe('the data folder is private', () => {
  it('0700, every file in it 0600 (events, secrets, keys) as the runtime writes them, and those an older run left readable are fixed at start', async () => {
    const first = await startLocalApi();
    running.push(first);
    await use(first);
    await until(() => existsSync(join(first.dataDir, 'event-archive.ndjson')), 'the archive to be written');
    const written = modes(first.dataDir);
    for (const held of ['event-archive.ndjson', 'mno-credentials.json', 'issuer/signing-key.jwk.json', 'runtime.lock', 'endpoints.json']) expect(written[held], held).toBe('600');
    expect(Object.keys(written).filter((p) => p.startsWith('webhook-secrets/') && p.endsWith('.json'))).toHaveLength(1);
    // The log store and the executions of both state machines (kept across restarts, 0600 from the start).
    expect(Object.keys(written).filter((p) => /^(logs|executions)\/.+\.ndjson$/.test(p)).sort()).toEqual(['executions/switchboard-bulk.ndjson', 'executions/switchboard-cascade.ndjson', expect.stringMatching(/^logs\//)]);
    expect(written).toEqual(privateModes(first.dataDir));
    await running.pop()!.stop();

    loosen(first.dataDir);
    expect(modes(first.dataDir)['webhook-secrets']).toBe('755');
    // Its handlers stay loaded on the first runtime's endpoints (local-api.ts): no stream handlers.
    const second = await startLocalApi({ restartOf: first, streams: false });
    running.push(second);
    expect(modes(second.dataDir)).toEqual(privateModes(second.dataDir));
  });

  it('npm start: DynamoDB Local’s database too', async () => {
    const dataDir = tempDataDir();
    chmodSync(dataDir, 0o755);
    const runtime = spawnRuntime(dataDir);
    await runtime.started;
    const now = modes(dataDir);
    expect(Object.keys(now)).toEqual(expect.arrayContaining(['dynamodb', 'dynamodb/shared-local-instance.db']));
    expect(now).toEqual(privateModes(dataDir));
  }, 90_000);
});
