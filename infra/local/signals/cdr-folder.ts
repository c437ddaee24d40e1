import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/**
 * The local stand-in for an MNO's CDR bucket and its event notifications: a folder polled
 * (readdir, not fs.watch, for portability) for `*.csv` files (`.tmp` and dot files are files
 * still being written, or not ours). Each is handed to `onFile`, one at a time in name order;
 * when it resolves the file moves to `processed/`, when it throws the file stays and is tried
 * again on a later scan, and after `MAX_TRIES` it moves to `failed/` (both 0700, made when
 * needed). Files already there at start (a restart) are handled by the first scan, at once.
 * One scan at a time: `scanNow` during one waits for it and then for one more scan (shared by
 * all who asked meanwhile), so what was in the folder when it was called has been seen.
 * Tries are counted in memory: a restart gives a failing file its tries again.
 */
export const MAX_TRIES = 3;

export interface CdrFile {
  name: string;
  path: string;
  size: number;
}

export interface CdrFolderOptions {
  dir: string;
  onFile: (file: CdrFile) => Promise<void>;
  /** Default 1000. */
  pollMs?: number;
  log?: (message: string) => void;
}

export interface CdrFolder {
  scanNow(): Promise<void>;
  /** No more scans; waits for the one in flight (it stops after the file in hand). */
  stop(): Promise<void>;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const watchCdrFolder = (options: CdrFolderOptions): CdrFolder => {
  const { dir, onFile } = options;
  const pollMs = options.pollMs ?? 1_000;
  const log = options.log ?? (() => {});
  const tries = new Map<string, number>();
  /** Handled, but not yet moved out (the move failed): moved on the next scan, not handled again. */
  const handled = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  /** Into `sub/`, under another name when one is there already (a name an MNO used twice). */
  const moveTo = async (sub: 'processed' | 'failed', name: string) => {
    const into = join(dir, sub);
    await mkdir(into, { recursive: true, mode: 0o700 });
    let target = join(into, name);
    if (await stat(target).then(() => true, () => false)) target = join(into, `${name.slice(0, -extname(name).length)}.${Date.now()}${extname(name)}`);
    await rename(join(dir, name), target);
    // Its signature goes with it (the MNO's `<name>.sig`, standing for the object's metadata).
    await rename(join(dir, `${name}.sig`), `${target}.sig`).catch(() => undefined);
  };

  const scan = async () => {
    let names: string[];
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      names = (await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isFile() && e.name.endsWith('.csv') && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (error) {
      log(`CDR folder ${dir} unreadable: ${errorText(error)}`);
      return;
    }
    const present = new Set(names);
    for (const name of [...tries.keys(), ...handled])
      if (!present.has(name)) {
        tries.delete(name);
        handled.delete(name);
      }
    for (const name of names) {
      if (stopped) return;
      const path = join(dir, name);
      if (!handled.has(name)) {
        let size: number;
        try {
          size = (await stat(path)).size;
        } catch {
          continue; // gone since the listing
        }
        try {
          await onFile({ name, path, size });
          handled.add(name);
          tries.delete(name);
        } catch (error) {
          const n = (tries.get(name) ?? 0) + 1;
          if (n < MAX_TRIES) {
            tries.set(name, n);
            log(`CDR file ${name}: try ${n} of ${MAX_TRIES} failed (${errorText(error)}); tried again on a later scan`);
            continue;
          }
          tries.delete(name);
          try {
            await moveTo('failed', name);
            log(`CDR file ${name}: failed ${MAX_TRIES} times (last: ${errorText(error)}); moved to ${join(dir, 'failed')}`);
          } catch (moveError) {
            log(`CDR file ${name}: failed ${MAX_TRIES} times, and could not be moved to failed/: ${errorText(moveError)}`);
          }
          continue;
        }
      }
      try {
        await moveTo('processed', name);
        handled.delete(name);
      } catch (error) {
        log(`CDR file ${name}: handled, but could not be moved to processed/ (${errorText(error)}); not handled again`);
      }
    }
  };

  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const request = (): Promise<void> => {
    if (!running) return (running = scan().finally(() => (running = undefined)));
    return (queued ??= running.then(() => {
      queued = undefined;
      return request();
    }));
  };

  const poll = () => {
    timer = undefined;
    if (stopped) return;
    void request().finally(() => {
      if (!stopped) (timer = setTimeout(poll, pollMs)).unref();
    });
  };
  poll();

  return {
    scanNow: () => (stopped ? Promise.resolve() : request()),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await queued;
      await running;
    },
  };
};
