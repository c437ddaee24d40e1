import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SQSRecord } from 'aws-lambda';

/**
 * Stands for a queue's redrive policy target: a message received `maxReceiveCount` times without
 * being deleted is moved here instead of being dropped. With a file, one JSON line per message
 * (mode 0600; the record as the consumer last saw it, when, and the last error); without, they
 * are kept in memory (`list`).
 */
export interface DeadLetter {
  failedAt: string;
  queue: string;
  error?: string;
  record: SQSRecord;
}

export const deadLetters = (file: string | undefined) => {
  const kept: DeadLetter[] = [];
  if (file) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, '', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    add(letter: DeadLetter) {
      if (file) appendFileSync(file, JSON.stringify(letter) + '\n', { mode: 0o600 });
      else kept.push(letter);
    },
    /** Those kept in memory (none when written to a file). */
    list: (): readonly DeadLetter[] => kept,
  };
};
