import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCdr } from '../../adapters/signals/cdr-format.ts';
import { signalOfPush, type PushRecord } from '../../adapters/signals/push-format.ts';
import type { Signal } from '../../domain/signals/signals.ts';
import { watchCdrFolder } from '../../infra/local/signals/cdr-folder.ts';
import { cdrDeliverer, CdrDeliveryFailed } from '../../infra/local/mno-simulators/traffic-cdr.ts';
import { startTraffic } from '../../infra/local/mno-simulators/traffic.ts';
import { iccid, imei } from '../support/ids.ts';

/** The CDR deliverer (infra/local/mno-simulators/traffic-cdr.ts): a simulated MNO's records as CDR files in a folder, each written whole. */
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cdr-traffic-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const at = '2026-03-01T10:00:00.000Z';
const usage = (n: number): PushRecord[] => Array.from({ length: n }, (_, i) => ({ type: 'usage', iccid: iccid(1), bytesUplink: i, bytesDownlink: 0, timestamp: at }));
const T = 1_780_000_000_000;

describe('the CDR deliverer', () => {
  it('writes one file a call (or per maxRecordsPerFile records), 0600 in a folder it makes 0700, named <mnoId>-<epoch ms>-<counter>.csv', async () => {
    const dir = join(root, 'bucket', 'northwind-de');
    let t = T;
    const deliver = cdrDeliverer({ dir, mnoId: 'northwind-de', now: () => t++, maxRecordsPerFile: 2 });
    await deliver(usage(5));
    await deliver(usage(1));
    await deliver([]);
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([0, 1, 2, 3].map((i) => `northwind-de-${T + i}-${String(i + 1).padStart(6, '0')}.csv`));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const signals: Signal[] = [];
    for (const name of names) {
      expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
      const read = readCdr(await readFile(join(dir, name), 'utf8'));
      expect(read.refused).toEqual([]);
      signals.push(...read.signals);
    }
    expect(signals.map((s) => s.kind === 'usage' && s.bytes)).toEqual([0, 1, 2, 3, 4, 0]);
  });

  it('writes each file whole or not at all, and says how many records it took before failing', async () => {
    const dir = join(root, 'drop');
    await mkdir(dir, { recursive: true });
    await mkdir(join(dir, `mno-${T}-000002.csv`)); // the second file's name is taken: its rename fails
    const deliver = cdrDeliverer({ dir, mnoId: 'mno', now: () => T, maxRecordsPerFile: 2 });
    const failure = await deliver(usage(5)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CdrDeliveryFailed);
    expect((failure as CdrDeliveryFailed).delivered).toBe(2);
    expect((failure as Error).message).toMatch(new RegExp(`^CDR file mno-${T}-000002\\.csv in `));
    expect((await readdir(dir)).sort()).toEqual([`mno-${T}-000001.csv`, `mno-${T}-000002.csv`]); // no .tmp left behind
    expect((await stat(join(dir, `mno-${T}-000002.csv`))).isDirectory()).toBe(true);
  });

  it('replaces a .tmp left by a crash', async () => {
    const dir = join(root, 'drop');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `mno-${T}-000001.csv.tmp`), 'half a fi');
    await cdrDeliverer({ dir, mnoId: 'mno', now: () => T })(usage(3));
    expect(await readdir(dir)).toEqual([`mno-${T}-000001.csv`]);
    expect(readCdr(await readFile(join(dir, `mno-${T}-000001.csv`), 'utf8')).signals).toHaveLength(3);
  });

  it('makes a safe file name of any MNO id, and checks maxRecordsPerFile', async () => {
    const dir = join(root, 'drop');
    await cdrDeliverer({ dir, mnoId: '../.x/y z', now: () => T })(usage(1));
    expect(await readdir(dir)).toEqual([`_.x_y_z-${T}-000001.csv`]);
    await rm(dir, { recursive: true });
    await cdrDeliverer({ dir, mnoId: '..', now: () => T })(usage(1));
    expect(await readdir(dir)).toEqual([`mno-${T}-000001.csv`]);
    for (const bad of [0, 1.5, 200_000]) expect(() => cdrDeliverer({ dir, mnoId: 'm', maxRecordsPerFile: bad })).toThrow(RangeError);
  });

  it('carries a traffic generator’s records through the folder to signals', async () => {
    const dir = join(root, 'bucket');
    const sims = [1, 2, 3].map((n) => ({ iccid: iccid(n), imei: imei(n), destination: { ip: '192.0.2.10', port: 8883, protocol: 'tcp' as const } }));
    const pushed: PushRecord[] = [];
    const files = cdrDeliverer({ dir, mnoId: 'northwind-de' });
    const traffic = startTraffic({
      mnoId: 'northwind-de',
      homePlmn: '262-01',
      country: 'DE',
      sims: () => sims,
      deliver: async (records) => {
        pushed.push(...records);
        await files(records);
      },
      tickMs: 3_600_000,
      now: () => new Date(at),
    });
    const read: Signal[] = [];
    const refused: unknown[] = [];
    const folder = watchCdrFolder({
      dir,
      pollMs: 3_600_000,
      onFile: async (file) => {
        const cdr = readCdr(await readFile(file.path, 'utf8'));
        if (cdr.fatal) throw new Error(cdr.fatal);
        read.push(...cdr.signals);
        refused.push(...cdr.refused);
      },
    });
    try {
      await traffic.tick();
      await traffic.setAnomaly(iccid(2), { imei: imei(99), smsFrom: '+447700900123' });
      await traffic.tick();
      await folder.scanNow();
    } finally {
      await traffic.stop();
      await folder.stop();
    }
    expect(refused).toEqual([]);
    expect(pushed.length).toBeGreaterThan(0);
    expect(read).toEqual(pushed.map(signalOfPush).map((s) => JSON.parse(JSON.stringify(s))));
    expect(new Set(read.map((s) => s.kind))).toEqual(new Set(['session', 'usage', 'flow', 'sms']));
    expect(await readdir(dir)).toEqual(['processed']);
    expect((await readdir(join(dir, 'processed'))).length).toBe(3);
  });
});
