import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * Runs `work` under V8's sampling profiler (this process only, every 100 µs) and writes what it
 * saw to `<dir>/<name>.cpuprofile` (0600), for Chrome DevTools or `npx speedscope`: where a
 * figure's CPU goes, found by a profile rather than guessed (BENCH_CPU_PROFILE, bench/run.ts).
 */
export const profiled = async (dir: string, name: string, work: () => Promise<unknown>) => {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile), { mode: 0o600 });
    return file;
  } finally {
    session.disconnect();
  }
};
