import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoredMessage } from './message.ts';
import { replaceFileSync } from '../replace-file.ts';

/**
 * A queue's messages on disk, as SQS keeps what it accepted: one JSON line each (mode 0600),
 * `{ sent }` written before SendMessage answers, `{ received, at }` before each delivery (so the
 * receive count, hence the dead-letter rule, survives a process that dies in the consumer), and
 * `{ deleted }` once a delivery succeeded or the message was dead-lettered. Opening it replays it:
 * what was accepted and not deleted is delivered again, and the file is rewritten with only that
 * (a line the kill cut short is dropped; its SendMessage never answered). It is rewritten again
 * once it holds many more lines than messages. Not fsynced: it survives the process, not the machine.
 */
export const openQueueJournal = (file: string) => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const kept = new Map<string, StoredMessage>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    let entry: { sent?: StoredMessage; received?: string; at?: number; deleted?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.sent) kept.set(entry.sent.id, entry.sent);
    const received = entry.received === undefined ? undefined : kept.get(entry.received);
    if (received) {
      received.receiveCount += 1;
      received.firstReceiveTimestamp ??= entry.at;
    }
    if (entry.deleted !== undefined) kept.delete(entry.deleted);
  }
  let lines = 0;
  const rewrite = (messages: readonly StoredMessage[]) => {
    replaceFileSync(file, messages.map((sent) => JSON.stringify({ sent }) + '\n').join(''));
    lines = messages.length;
  };
  const messages = [...kept.values()];
  rewrite(messages);
  let fd: number | undefined = openSync(file, 'a', 0o600);
  const append = (entry: object) => {
    if (fd === undefined) throw new Error(`the journal ${file} is closed`);
    writeSync(fd, JSON.stringify(entry) + '\n');
    lines += 1;
  };
  return {
    /** Accepted before this start and not deleted, in the order sent, with their receive counts. */
    messages,
    sent: (message: StoredMessage) => append({ sent: message }),
    received: (id: string, at: number) => append({ received: id, at }),
    /** Journals the deletion; past 1,000 lines and four per live message, rewrites the file with `current()`. */
    deleted(id: string, current: () => readonly StoredMessage[]) {
      append({ deleted: id });
      const live = current();
      if (lines > 1000 && lines > 4 * live.length && fd !== undefined) {
        closeSync(fd);
        rewrite(live);
        fd = openSync(file, 'a', 0o600);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};

export type QueueJournal = ReturnType<typeof openQueueJournal>;
