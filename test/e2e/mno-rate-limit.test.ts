import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

/**
 * An MNO's rate limit kept: a legacy CMP that allows 4 calls a second (and answers 429 past it),
 * registered with that rate, and a burst of SIM changes that each cascade to it. Switchboard's
 * calls stay under the rate: the CMP refuses none, and every change lands.
 */
const legacy: SimulatedMno = { id: `slow-${unique()}`, name: 'Slow legacy CMP', style: 'legacy-ratelimited', plmns: ['262-91'], countries: ['DE'], capabilities: [], ratePerSecond: 4 };
let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [legacy] });
});
afterAll(() => api.stop());

describe('an MNO’s rate limit', () => {
  it('a burst of changes to one rate-limited MNO is carried at its rate: no call refused (429), every change confirmed', async () => {
    const tenant = await api.tenant('sims:write sims:read policies:write');
    expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [legacy.id] } })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const n = unique();
      const id = eid(n);
      expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: id, profiles: [{ iccid: iccid(n % 1e12), mno: legacy.id, imsi: imsi(n % 1e10) }] } })).status).toBe(201);
      ids.push(id);
    }
    const started = await api.call('POST', '/v1/bulk-operations', { token: tenant.token, body: { action: 'activate', selector: { eids: ids } } });
    expect(started.status).toBe(202);
    for (const id of ids)
      await eventually(async () => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body.observed, (o) => o?.[legacy.id] === 'active', `${id} active at the MNO`, { timeout: 120_000, interval: 250 });
    expect(api.runtime.simulators.get(legacy.id)!.state().throttled).toBe(0);
  });
});
