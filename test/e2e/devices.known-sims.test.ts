import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

/** A runtime makes a device for every SIM an earlier one registered without devices, as the SIM now is. */
const running: LocalApi[] = [];
afterAll(async () => {
  for (const api of running) await api.stop().catch(() => undefined);
});

describe('devices for SIMs registered before', () => {
  it('a runtime started on a folder whose SIMs have no device makes one for each, holding the SIM’s profiles', async () => {
    const first = await startLocalApi({ devices: false });
    running.push(first);
    const tenant = await first.tenant('sims:write sims:read');
    const sim = first.newSim();
    expect((await first.call('POST', '/v1/sims', { token: tenant.token, body: sim })).status).toBe(201);
    await eventually(async () => (await first.call('GET', '/v1/sims', { token: tenant.token })).body.items, (items) => items.length === 1, 'the SIM listed');
    expect(first.runtime.devices.devices.has(sim.eid)).toBe(false);
    await first.stop();

    const second = await startLocalApi({ restartOf: first, streams: false });
    running.push(second);
    const device = await eventually(() => second.runtime.devices.devices.get(sim.eid), (d) => d !== undefined, 'the device made at start-up', { timeout: 20_000, interval: 50 });
    expect(device!.euicc.state().profiles).toEqual([{ iccid: sim.profiles[0]!.iccid, state: 'enabled', fallback: false }]);
  });
});
