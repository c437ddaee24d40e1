import { afterEach, describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
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


describe('what a restart of the local runtime keeps of the platform’s decisions', () => {
  it('an MNO an operator quarantined stays quarantined: the simulated MNOs are verified once, when first registered', async () => {
    const first = await start();
    const failed = { smsFirewall: { passed: false, note: 'open relay found' }, dataFirewall: { passed: true }, apnIsolation: { passed: true }, cmpTls: { passed: true }, sgp32: { passed: true } };
    expect((await first.call('POST', `/v1/mnos/${a}/verification`, { token: first.admin, body: failed })).body).toMatchObject({ status: 'quarantined' });
    await stop(first);
    const second = await start({ restartOf: first, streams: false });
    expect((await second.call('GET', `/v1/mnos/${a}`, { token: second.admin })).body).toMatchObject({ status: 'quarantined' });
    expect((await second.call('GET', `/v1/mnos/${b}`, { token: second.admin })).body).toMatchObject({ status: 'verified' });
  });

});
