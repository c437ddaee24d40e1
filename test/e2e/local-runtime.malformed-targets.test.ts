import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { rawRequest } from '../support/raw-http.ts';
import { twoMnos } from '../support/restartable.ts';

/**
 * Every local server of the runtime answers a request target that is not a path (an absolute
 * form with a host `new URL` cannot read) with a 4xx, and goes on serving: a throw in a request
 * handler would take the whole runtime down.
 */
const { mnos } = twoMnos('targets');
let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ mnos });
});
afterAll(() => api.stop());

const raw = (url: string, target: string) => rawRequest(url, `GET ${target} HTTP/1.1`);

describe('the local servers, sent a target that is not a path', () => {
  it('answer 4xx and keep serving', async () => {
    const servers = {
      api: api.runtime.url,
      mno: [...api.runtime.simulators.values()][0]!.url,
      devices: api.runtime.devices.url,
      smdp: api.runtime.smdp.url,
      console: api.runtime.console.url,
    };
    for (const [name, url] of Object.entries(servers)) {
      for (const target of ['http://[/', 'http://a:b/x', '//other/x']) expect(await raw(url, target), `${name} ${target}`).toMatch(/^HTTP\/1\.1 4\d\d/);
      expect(await raw(url, '/'), `${name} still serving`).toMatch(/^HTTP\/1\.1 \d{3}/);
    }
  });
});
