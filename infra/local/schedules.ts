import type { EntryPoint } from '../../manifest/entry-points.ts';
import { invoke } from './entry-points.ts';

/**
 * The scheduled entry points (trigger `schedule`: the cascade reconciler) on this machine: each
 * runs once at start-up (once `after` has resolved), then every `everyMs` of its trigger, one run at a
 * time. A run that fails is reported and the next one comes as planned.
 */
export const startSchedules = (
  entries: readonly (EntryPoint & { trigger: { kind: 'schedule' } })[],
  options: { log: (message: string) => void; after?: Promise<unknown> | undefined },
) => {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  const run = (entry: (typeof entries)[number]) => {
    if (stopped) return Promise.resolve();
    const kept = running.get(entry.id);
    if (kept) return kept;
    const next = invoke(entry, { id: `local-${entry.trigger.name}-${Date.now()}`, source: 'switchboard.local', 'detail-type': 'Scheduled Event' })
      .then(() => undefined)
      .catch((error: Error) => options.log(`${entry.trigger.name} failed: ${error.message}`))
      .finally(() => running.delete(entry.id));
    running.set(entry.id, next);
    return next;
  };
  const timers = entries.map((entry) => setInterval(() => void run(entry), entry.trigger.everyMs));
  // The first run waits for `after` (the read models caught up with what the streams held at start-up).
  const first = Promise.resolve(options.after).then(() => Promise.all(entries.map(run)));
  return {
    /** Runs every schedule now (or waits for the run under way): what a test calls instead of waiting a minute. */
    runNow: async () => {
      await first;
      await Promise.all(entries.map(run));
    },
    stop: async () => {
      stopped = true;
      timers.forEach(clearInterval);
      await Promise.all(running.values());
    },
  };
};
