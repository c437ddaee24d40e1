import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { eventually } from './eventually.ts';
import { unique } from './ids.ts';
import type { LocalApi } from './local-api.ts';

/** Two simulated CMPs of this test file's own (`north`, `south`), where the eSIM tests' SIMs have their profiles. */
export const northAndSouth = (): [SimulatedMno, SimulatedMno] => {
  const run = unique();
  const spec = (name: string): SimulatedMno => ({ id: `${name}-${run}`, name, style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: [] });
  return [spec('north'), spec('south')];
};

/** Until the local runtime has made the SIM's simulated device. */
export const deviceMade = (api: LocalApi, eid: string) => eventually(() => api.runtime.devices.devices.has(eid), (has) => has, `the device of ${eid}`, { timeout: 20_000, interval: 50 });
