import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApi } from '../support/local-api.ts';
import { restartableRuntimes, twoMnos } from '../support/restartable.ts';

const { mnos, ids: [a, b] } = twoMnos('kept');
// No stream handlers: restarts in one process keep them loaded, with clients on the first runtime's endpoints.
const { start, stop } = restartableRuntimes({ mnos, streams: false });
let blocker: Server | undefined;
afterEach(() => void blocker?.close());

const endpoints = (api: LocalApi) => JSON.parse(readFileSync(join(api.dataDir, 'endpoints.json'), 'utf8')) as { mnos?: Record<string, string> };

describe('the simulated MNOs across restarts', () => {
  it('the simulated MNOs’ URLs, listed in endpoints.json under mnos; a kept port another process took moves, saying so', async () => {
    const first = await start();
    const urls = endpoints(first).mnos;
    expect(urls).toEqual({ [a]: first.runtime.simulators.get(a)!.url, [b]: first.runtime.simulators.get(b)!.url });
    await stop(first);

    const second = await start({ restartOf: first });
    expect(endpoints(second).mnos).toEqual(urls);
    expect(second.runtime.simulators.get(a)!.url).toBe(urls![a]);
    await stop(second);

    const taken = Number(new URL(urls![a]!).port);
    blocker = createServer();
    await new Promise<void>((ok) => blocker!.listen(taken, '127.0.0.1', ok));
    const notes: string[] = [];
    const third = await start({ restartOf: first, log: (m) => notes.push(m) });
    const moved = third.runtime.simulators.get(a)!.url;
    expect(moved).not.toBe(urls![a]);
    expect(endpoints(third).mnos).toEqual({ [a]: moved, [b]: urls![b] });
    expect(notes.join('\n')).toContain(`port ${taken} of simulated MNO ${a} is taken`);
    expect(notes.join('\n')).toContain(moved);
    await stop(third);

    // The port it moved to is the one kept from then on.
    blocker.close();
    const fourth = await start({ restartOf: first });
    expect(endpoints(fourth).mnos).toEqual({ [a]: moved, [b]: urls![b] });
  });

});
