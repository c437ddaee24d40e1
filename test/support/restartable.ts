import { afterEach } from 'vitest';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { unique } from './ids.ts';
import { startLocalApi, type LocalApi } from './local-api.ts';

/** Two simulated MNOs named for this test file's run (`<prefix>-a-<n>`, `<prefix>-b-<n>`). */
export const twoMnos = (prefix: string) => {
  const run = unique();
  const simulated = (id: string): SimulatedMno => ({ id, name: id, style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: ['data.apns'] });
  const mnos = [simulated(`${prefix}-a-${run}`), simulated(`${prefix}-b-${run}`)];
  return { mnos, ids: mnos.map((m) => m.id) as [string, string] };
};

/**
 * Local runtimes a test starts, stops and starts again on the same data folder (`restartOf`): each
 * with `defaults`, all stopped after each test whatever it did.
 */
export const restartableRuntimes = (defaults: Parameters<typeof startLocalApi>[0]) => {
  const running: LocalApi[] = [];
  afterEach(async () => {
    for (const api of running.splice(0)) await api.stop();
  });
  return {
    start: async (options: Parameters<typeof startLocalApi>[0] = {}) => {
      const api = await startLocalApi({ ...defaults, ...options });
      running.push(api);
      return api;
    },
    stop: async (api: LocalApi) => {
      running.splice(running.indexOf(api), 1);
      await api.stop();
    },
  };
};
