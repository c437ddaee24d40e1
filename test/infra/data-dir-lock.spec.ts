import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../infra/local/data-dir-lock.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'switchboard-lock-'));
const holder = (dir: string) => JSON.parse(readFileSync(join(dir, 'runtime.lock'), 'utf8'));
/** A pid that was just used and is gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('the data folder lock (runtime.lock)', () => {
  it('holds the pid, the API port once it listens, and the start time; 0600; released on stop', () => {
    const dir = folder();
    const lock = lockDataDir(dir, 0);
    expect(holder(dir)).toEqual({ pid: process.pid, port: null, startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(statSync(lock.file).mode & 0o777).toBe(0o600);
    lock.update(4321);
    expect(holder(dir)).toMatchObject({ pid: process.pid, port: 4321 });
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses a second runtime while the holder lives, naming its pid and API port', () => {
    const dir = folder();
    const lock = lockDataDir(dir, 3000);
    const second = (() => {
      try {
        lockDataDir(dir, 3001);
      } catch (error) {
        return error as Error;
      }
    })();
    expect(second).toBeInstanceOf(DataDirInUseError);
    expect(second!.message).toContain(`pid ${process.pid}`);
    expect(second!.message).toContain('port 3000');
    expect(holder(dir)).toMatchObject({ pid: process.pid, port: 3000 });
    lock.release();
  });

  it('takes over a stale lock: its pid is dead, or now belongs to a process younger than the lock', () => {
    const dir = folder();
    writeFileSync(join(dir, 'runtime.lock'), JSON.stringify({ pid: deadPid(), port: 3000, startedAt: new Date().toISOString() }));
    const lock = lockDataDir(dir, 3001);
    expect(holder(dir)).toMatchObject({ pid: process.pid, port: 3001 });
    lock.release();

    // This process's pid, in a lock written long before it started: a reused pid.
    writeFileSync(join(dir, 'runtime.lock'), JSON.stringify({ pid: process.pid, port: 3000, startedAt: '2001-01-01T00:00:00.000Z' }));
    lockDataDir(dir, 3002).release();
  });

  it('does not remove a lock that is no longer its own', () => {
    const dir = folder();
    const lock = lockDataDir(dir, 3000);
    const other = { pid: process.pid, port: 3005, startedAt: new Date(Date.now() + 1).toISOString() };
    writeFileSync(join(dir, 'runtime.lock'), JSON.stringify(other));
    lock.release();
    expect(holder(dir)).toEqual(other);
  });
});
