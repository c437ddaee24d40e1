import { appendFileSync, readFileSync } from 'node:fs';
import type { BusEvent } from './put-events.ts';
import { replaceFileSync } from '../replace-file.ts';

/**
 * The local bus's deliveries kept on disk (one JSON line each, mode 0600): an event the bus
 * accepted is written with the rules it goes to before PutEvents answers, and each delivery when
 * it ends (delivered or dead-lettered). A runtime that was killed in between delivers, at its next
 * start, what it had accepted and not delivered, as EventBridge would have (it keeps accepted
 * events and retries their targets). Targets are idempotent (named starts, de-duplicated
 * webhooks), so a delivery repeated after a crash is harmless.
 */
export const deliveryJournal = (file: string) => {
  const pending = new Map<string, { event: BusEvent; rules: Set<string> }>();
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      let entry: { accepted?: { event: BusEvent; rules: string[] }; done?: { id: string; rule: string } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // a line the kill cut short: PutEvents never answered for it
      }
      if (entry.accepted) pending.set(entry.accepted.event.id, { event: entry.accepted.event, rules: new Set(entry.accepted.rules) });
      if (entry.done) {
        const kept = pending.get(entry.done.id);
        kept?.rules.delete(entry.done.rule);
        if (kept?.rules.size === 0) pending.delete(entry.done.id);
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // What is left to deliver, alone in a new file (a line cut short by the kill is dropped with the rest).
  const left = [...pending.values()].map(({ event, rules }) => ({ event, rules: [...rules] }));
  replaceFileSync(file, left.map((accepted) => JSON.stringify({ accepted }) + '\n').join(''));
  return {
    /** Accepted before this start and not delivered: the bus delivers them again. */
    undelivered: left,
    accepted: (event: BusEvent, rules: readonly string[]) => appendFileSync(file, JSON.stringify({ accepted: { event, rules } }) + '\n', { mode: 0o600 }),
    done: (id: string, rule: string) => appendFileSync(file, JSON.stringify({ done: { id, rule } }) + '\n', { mode: 0o600 }),
  };
};
