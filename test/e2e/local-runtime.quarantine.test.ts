import { describe, expect, it } from 'vitest';
import { restartableRuntimes, twoMnos } from '../support/restartable.ts';

const { mnos, ids: [a, b] } = twoMnos('quarantined');
// No stream handlers: restarts in one process keep them loaded, with clients on the first runtime's endpoints.
const { start, stop } = restartableRuntimes({ mnos, streams: false });

describe('what a restart of the local runtime keeps of the platform’s decisions', () => {
  it('an MNO an operator quarantined stays quarantined: the simulated MNOs are verified once, when first registered', async () => {
    const first = await start();
    const failed = { smsFirewall: { passed: false, note: 'open relay found' }, dataFirewall: { passed: true }, apnIsolation: { passed: true }, cmpTls: { passed: true }, sgp32: { passed: true } };
    expect((await first.call('POST', `/v1/mnos/${a}/verification`, { token: first.admin, body: failed })).body).toMatchObject({ status: 'quarantined' });
    await stop(first);
    const second = await start({ restartOf: first });
    expect((await second.call('GET', `/v1/mnos/${a}`, { token: second.admin })).body).toMatchObject({ status: 'quarantined' });
    expect((await second.call('GET', `/v1/mnos/${b}`, { token: second.admin })).body).toMatchObject({ status: 'verified' });
  });
});
