import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import { eventually } from '../support/eventually.ts';
import type { LocalApi } from '../support/local-api.ts';
import { restartableRuntimes, twoMnos } from '../support/restartable.ts';

const { mnos, ids: [a, b] } = twoMnos('ran');
const fast = { retryIntervalOverrides: Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5])) };
const { start, stop } = restartableRuntimes({ mnos, stepFunctions: fast });

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
