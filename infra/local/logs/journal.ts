import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileSync } from '../replace-file.ts';

/** A log event as kept: what FilterLogEvents returns of it, its id included, so ids survive a restart. */
export interface JournaledLogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/**
 * A log group's events on disk, so that the ops feed outlives the process: `<dir>/<group name,
 * URI-encoded>.ndjson`, mode 0600, one log event per line (JSON, the fields above), in the order
 * written. Bounded as the group is: opening it rewrites it with the newest `maxEvents` (by
 * timestamp), and so does `append` once it holds twice as many.
 */
export const openLogJournal = (dir: string, group: string, maxEvents: number) => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${encodeURIComponent(group)}.ndjson`);
  const read = (): JournaledLogEvent[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line) => {
            try {
              return line ? [JSON.parse(line) as JournaledLogEvent] : [];
            } catch {
              return []; // a line the process died writing
            }
          })
      : [];
  const rewrite = (events: readonly JournaledLogEvent[]) => {
    replaceFileSync(file, events.map((e) => JSON.stringify(e) + '\n').join(''));
    lines = events.length;
  };
  let lines = 0;
  const kept = read()
    .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId))
    .slice(-maxEvents);
  rewrite(kept);
  let fd: number | undefined = openSync(file, 'a', 0o600);
  return {
    /** What the journal held, oldest first. */
    events: kept,
    /** Appends one event; past twice `maxEvents` lines, the file is rewritten with `current()` (the group's events). */
    append(event: JournaledLogEvent, current: () => readonly JournaledLogEvent[]) {
      if (fd === undefined) return;
      writeSync(fd, JSON.stringify(event) + '\n');
      if (++lines > 2 * maxEvents) {
        closeSync(fd);
        rewrite(current());
        fd = openSync(file, 'a', 0o600);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};

export type LogJournal = ReturnType<typeof openLogJournal>;
