import { readFileSync } from 'node:fs';
import type { CmpApi } from './http.ts';
import { replaceFile } from '../replace-file.ts';

/**
 * What a simulated CMP holds (profiles, SIM states, jobs) kept in a file of its own (mode 0600),
 * so that a restart of the local runtime finds the network as it was, as a real MNO's would be:
 * a cascade resumed after a crash reads back what was applied before it, and polls the jobs it
 * submitted. Kept after each CMP call, before it is answered, to a new file renamed into place
 * (never half written): written off the event loop, once for all the calls that came in while the
 * last write was under way (the calls of a cascade to one MNO at once share a write), and not at
 * all when nothing changed (a read).
 */
/** Ended jobs kept per CMP. */
const MAX_JOBS = 1_000;

export const keepHeldState = (api: CmpApi, file: string) => {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [name, map] of Object.entries(api.held)) for (const [key, value] of Object.entries(kept[name] ?? {})) map.set(key, value);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`mno simulator state ${file} unreadable: starting empty (${(error as Error).message})`);
  }
  let written = '';
  const write = async () => {
    // Jobs that ended are kept a while (a client may still poll them), not forever: the oldest go first.
    const jobs = api.held.jobs;
    if (jobs && jobs.size > MAX_JOBS)
      for (const [id, job] of jobs) {
        if (jobs.size <= MAX_JOBS) break;
        const status = (job as { status?: string }).status;
        if (status === 'DONE' || status === 'FAILED') jobs.delete(id);
      }
    const text = JSON.stringify(Object.fromEntries(Object.entries(api.held).map(([name, map]) => [name, Object.fromEntries(map)])));
    if (text === written) return;
    await replaceFile(file, text);
    written = text;
  };
  let writing: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  /** Resolves once a write that began after the call's change has landed. */
  return (): Promise<void> =>
    (next ??= (async () => {
      await writing.catch(() => undefined);
      next = undefined;
      writing = write();
      return writing;
    })());
};
