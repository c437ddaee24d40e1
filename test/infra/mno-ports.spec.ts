import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MnoSimulator } from '../../infra/local/mno-simulators/index.ts';
import { candidatePorts, ephemeralPorts, keptPorts, startOnKeptPort } from '../../infra/local/mno-ports.ts';

const started: MnoSimulator[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

describe('the port a simulated MNO gets the first time', () => {
  it('is below the range the kernel hands out for port 0 and outgoing connections, so no other process takes it by chance', () => {
    const [low] = ephemeralPorts();
    const ports = candidatePorts('northwind-de');
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(20000), expect(port).toBeLessThan(low);
  });

  it('is the same for the same MNO on every machine, and differs between MNOs', () => {
    expect(candidatePorts('northwind-de', [32768, 60999])).toEqual(candidatePorts('northwind-de', [49152, 65535]));
    expect(candidatePorts('northwind-de')[0]).not.toBe(candidatePorts('southwind-fr')[0]);
  });

  it('reads the kernel’s range, and falls back to IANA’s where there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ports-'));
    writeFileSync(join(dir, 'range'), '40000\t50000\n');
    expect(ephemeralPorts(join(dir, 'range'))).toEqual([40000, 50000]);
    expect(ephemeralPorts(join(dir, 'missing'))).toEqual([49152, 65535]);
  });

  it('leaves it to the kernel when the ephemeral range leaves no block below it', () => {
    expect(candidatePorts('northwind-de', [1024, 65535])).toEqual([]);
  });

  it('skips a candidate another process holds, and keeps the one it got', async () => {
    const id = `ports-${process.pid}-${Date.now()}`;
    const [first, second] = candidatePorts(id);
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(first, '127.0.0.1', ok));
    try {
      const kept = keptPorts(undefined);
      const simulator = await startOnKeptPort({ id, style: 'rest-oauth2' }, kept, () => {});
      started.push(simulator);
      expect(simulator.url).toBe(`http://127.0.0.1:${second}`);
      expect(kept.get(id)).toBe(second);
    } finally {
      blocker.close();
    }
  });
});
