import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TRIES, watchCdrFolder, type CdrFile, type CdrFolder } from '../../infra/local/signals/cdr-folder.ts';
import { until } from '../support/eventually.ts';

/** The local CDR bucket (infra/local/signals/cdr-folder.ts): a polled folder, each file handled once, moved out after. */
let dir: string;
const watchers: CdrFolder[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdr-folder-'));
});
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
  await rm(dir, { recursive: true, force: true });
});

const list = async (sub = '') => (await readdir(join(dir, sub)).catch(() => [] as string[])).sort();
const drop = (name: string, text = 'record_type,iccid,timestamp\n') => writeFile(join(dir, name), text);
/** A watcher that only scans when asked (after its first scan), recording the files it is handed. */
const watch = (onFile: (file: CdrFile) => Promise<void> = async () => {}, pollMs = 3_600_000) => {
  const seen: CdrFile[] = [];
  const logs: string[] = [];
  const w = watchCdrFolder({
    dir,
    pollMs,
    log: (m) => logs.push(m),
    onFile: async (file) => {
      seen.push(file);
      await onFile(file);
    },
  });
  watchers.push(w);
  return { w, seen, logs };
};

describe('the CDR folder', () => {
  it('hands each new .csv file once, in name order, then moves it to processed/ (0700)', async () => {
    const { w, seen } = watch();
    await w.scanNow();
    await drop('b.csv');
    await drop('a.csv', 'abc');
    await w.scanNow();
    expect(seen).toEqual([
      { name: 'a.csv', path: join(dir, 'a.csv'), size: 3 },
      { name: 'b.csv', path: join(dir, 'b.csv'), size: 28 },
    ]);
    expect(await list()).toEqual(['processed']);
    expect(await list('processed')).toEqual(['a.csv', 'b.csv']);
    expect((await stat(join(dir, 'processed'))).mode & 0o777).toBe(0o700);
    await w.scanNow();
    expect(seen).toHaveLength(2);
  });

  it('keeps a processed name taken twice under another name', async () => {
    const { w, seen } = watch();
    await w.scanNow();
    await drop('a.csv', 'one');
    await w.scanNow();
    await drop('a.csv', 'two');
    await w.scanNow();
    expect(seen.map((f) => f.size)).toEqual([3, 3]);
    expect(await list('processed')).toEqual([expect.stringMatching(/^a\.\d+\.csv$/), 'a.csv']);
  });

  it('handles the files there at start (a restart) on its own, and new ones as it polls', async () => {
    await drop('x-1.csv');
    await drop('x-2.csv');
    const { seen } = watch(async () => {}, 20);
    await until(() => seen.length === 2, 'the files there at start');
    await drop('x-3.csv');
    await until(async () => (await list('processed')).length === 3, 'the new file');
    expect(seen.map((f) => f.name)).toEqual(['x-1.csv', 'x-2.csv', 'x-3.csv']);
  });

  it('ignores .tmp files, dot files, other files and folders', async () => {
    const { w, seen } = watch();
    await drop('a.csv.tmp');
    await drop('.hidden.csv');
    await drop('notes.txt');
    await mkdir(join(dir, 'folder.csv'));
    await w.scanNow();
    expect(seen).toEqual([]);
    expect(await list()).toEqual(['.hidden.csv', 'a.csv.tmp', 'folder.csv', 'notes.txt']);
  });

  it('tries a failing file again on later scans, and after three tries moves it to failed/ with a log line', async () => {
    let failures = 1;
    const { w, seen, logs } = watch(async (file) => {
      if (file.name === 'bad.csv' || (file.name === 'flaky.csv' && failures-- > 0)) throw new Error('no table');
    });
    await w.scanNow();
    await drop('bad.csv');
    await drop('flaky.csv');
    await w.scanNow();
    expect(await list()).toEqual(['bad.csv', 'flaky.csv']);
    await w.scanNow();
    expect(await list()).toEqual(['bad.csv', 'processed']);
    expect(await list('processed')).toEqual(['flaky.csv']);
    await w.scanNow();
    expect(seen.map((f) => f.name)).toEqual(['bad.csv', 'flaky.csv', 'bad.csv', 'flaky.csv', 'bad.csv']);
    expect(MAX_TRIES).toBe(3);
    expect(await list()).toEqual(['failed', 'processed']);
    expect(await list('failed')).toEqual(['bad.csv']);
    expect((await stat(join(dir, 'failed'))).mode & 0o777).toBe(0o700);
    expect(logs.at(-1)).toBe(`CDR file bad.csv: failed 3 times (last: no table); moved to ${join(dir, 'failed')}`);
    await w.scanNow();
    expect(seen).toHaveLength(5);
  });

  it('handles one file at a time, never twice, however many scans are asked for meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    let most = 0;
    const { w, seen } = watch(async () => {
      most = Math.max(most, ++inFlight);
      await gate;
      inFlight--;
    }, 5);
    await w.scanNow();
    await drop('a.csv');
    await drop('b.csv');
    const first = w.scanNow();
    await until(() => seen.length === 1, 'the first file in hand');
    const more = [w.scanNow(), w.scanNow(), w.scanNow()];
    await new Promise((resolve) => setTimeout(resolve, 50)); // polls come and go too
    release();
    await Promise.all([first, ...more]);
    expect(seen.map((f) => f.name)).toEqual(['a.csv', 'b.csv']);
    expect(most).toBe(1);
    expect(await list('processed')).toEqual(['a.csv', 'b.csv']);
  });

  it('stop waits for the file in hand and scans no more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await drop('a.csv');
    await drop('b.csv');
    const { w, seen } = watch(() => gate, 5);
    await until(() => seen.length === 1, 'the first file in hand');
    const stopping = w.stop();
    release();
    await stopping;
    expect(await list('processed')).toEqual(['a.csv']);
    await w.scanNow();
    await drop('c.csv');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map((f) => f.name)).toEqual(['a.csv']);
  });
});
