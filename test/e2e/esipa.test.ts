import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueEuiccCertificate } from '../../adapters/signing/eim-signing.ts';
import { fileSigner } from '../../adapters/signing/file-signer.ts';
import { simulatedEuicc } from '../../infra/local/devices/euicc-device.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

/**
 * A profile switch on the local runtime over HTTP: the enterprise asks for it, the device (a
 * simulated eUICC certified by the runtime's local EUM) fetches the eIM-signed package, runs it and
 * sends its signed result back; the SIM shows the new enabled profile.
 */
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  // The runtime's own simulated devices stay quiet: this test is the device.
  api = await startLocalApi({ devicePollMs: 3_600_000 });
  tenant = await api.tenant('sims:write sims:read');
});
afterAll(() => api.stop());

describe('the eIM on the local runtime', () => {
  it('enable → the device fetches the signed package → its eUICC runs it → its signed result is recorded', async () => {
    const n = unique();
    const id = eid(n);
    const [home, away] = [iccid(n % 1e12), iccid((n + 1) % 1e12)];
    const profiles = [
      { iccid: home, mno: 'vodafone-de', imsi: imsi(n % 1e10) },
      { iccid: away, mno: 'orange-fr', imsi: imsi((n + 1) % 1e10), fallback: true },
    ];
    expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: id, profiles } })).status).toBe(201);
    const device = simulatedEuicc({
      eid: id,
      eimId: 'switchboard',
      eimPublicJwk: await fileSigner(join(api.dataDir, 'eim-key.json'), 'eim').publicJwk(),
      attachable: () => true,
      profiles: [
        { iccid: home, state: 'enabled', fallback: false },
        { iccid: away, state: 'disabled', fallback: true },
      ],
    });
    const certificate = await issueEuiccCertificate(fileSigner(join(api.dataDir, 'eum-key.json'), 'local-eum'), id, await device.publicJwk());

    const queued = await api.call('POST', `/v1/sims/${id}/profiles/${away}/enable`, { token: tenant.token });
    expect(queued.status).toBe(202);
    const fetched = await api.call('POST', `/v1/esipa/${id}/packages/next`, { body: { request: await device.request(new Date()), certificate } });
    expect(fetched.status).toBe(200);
    const result = await device.load(fetched.body.package);
    expect((await api.call('POST', `/v1/esipa/${id}/results`, { body: { result, certificate } })).body).toEqual({ recorded: true });
    expect((await api.call('GET', queued.headers.get('location')!, { token: tenant.token })).body).toMatchObject({ status: 'executed', results: [{ outcome: 'ok' }] });
    expect((await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body).toMatchObject({ enabledProfile: away });
    expect((await api.call('POST', `/v1/esipa/${id}/packages/next`, { body: { request: await device.request(new Date()), certificate } })).status).toBe(204);
  });
});
