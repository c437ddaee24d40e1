import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { eventually } from '../support/eventually.ts';
import { unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = unique();
const simulated = (id: string): SimulatedMno => ({ id, name: id, style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: ['data.apns'] });
const mnos = [simulated(`ran-a-${run}`), simulated(`ran-b-${run}`)];
const [a, b] = mnos.map((m) => m.id) as [string, string];
const fast = { retryIntervalOverrides: Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5])) };

const running: LocalApi[] = [];
const start = async (options: Parameters<typeof startLocalApi>[0] = {}) => {
  const api = await startLocalApi({ mnos, stepFunctions: fast, ...options });
  running.push(api);
  return api;
};
const stop = async (api: LocalApi) => {
  running.splice(running.indexOf(api), 1);
  await api.stop();
};
afterEach(async () => {
  for (const api of running.splice(0)) await api.stop();
});

const ops = async (api: LocalApi, ...args: string[]) =>
  (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/ops/cli.ts', ...args], { env: { ...process.env, SWITCHBOARD_DATA_DIR: api.dataDir, NO_COLOR: '1' }, timeout: 30_000 })).stdout;

describe('what a restart of the local runtime keeps', () => {
  it('executions and the ops feed: npm run ops -- executions and events show what ran before the restart', async () => {
    const first = await start();
    const t = await first.tenant('policies:write policies:read');
    expect((await first.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: [a, b] } })).status).toBe(200);
    expect((await first.call('PUT', '/v1/policies/fleet', { token: t.token, body: { data: { apns: ['iot.acme'] } } })).status).toBe(200);
    const { cascadeId } = (await first.call('POST', '/v1/policies/fleet/publish', { token: t.token })).body as { cascadeId: string };
    const cascade = await eventually(async () => (await first.call('GET', `/v1/cascades/${cascadeId}`, { token: t.token })).body, (c) => c.status !== 'running', 'the cascade to finish', { timeout: 60_000, interval: 100 });
    expect(cascade.status).toBe('succeeded');
    await first.runtime.cascades.engine.idle();
    await first.runtime.bus.idle();
    const shown = (out: string) => out.split('\n').slice(1).join('\n'); // without the title and its clock
    const before = await ops(first, 'executions', '--recent', '100');
    expect(before).toMatch(new RegExp(`SUCCEEDED .*cascade ${cascadeId}`));
    const feed = ['events', '--since', '30m', '--filter', `{ $.detail.tenant = "${t.id}" }`];
    const eventsBefore = await ops(first, ...feed);
    expect(eventsBefore).toContain('PolicyPublished');
    await stop(first);

    // Its handlers stay loaded with clients on the first runtime's endpoints (local-api.ts): only ops reads it.
    const second = await start({ restartOf: first, streams: false });
    expect(shown(await ops(second, 'executions', '--recent', '100'))).toBe(shown(before));
    expect(await ops(second, ...feed)).toBe(eventsBefore);
  });
});
