import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
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

const raw = (url: string, target: string) =>
  new Promise<string>((ok, fail) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => ok(answer));

    socket.on('error', fail);
  });

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
