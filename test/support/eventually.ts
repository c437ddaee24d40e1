import { vi } from 'vitest';

export interface PollOptions {
  /** How long to keep reading before failing, in ms (default 30 s). */
  timeout?: number;
  /** The pause between reads, in ms (default 25); a read still under way is never overlapped. */
  interval?: number;
}

/**
 * Reads until `done` holds of what `read` returns, on `vi.waitFor`. Only "not yet" is waited out:
 * an error thrown by `read` (a failed request, a failed `expect` inside it) fails at once.
 */
const poll = async <T>(read: () => T | Promise<T>, done: (value: T) => boolean, failure: (last: T) => string, { timeout = 30_000, interval = 25 }: PollOptions): Promise<T> => {
  // The caller's frames, for the failure: the callback itself runs from a timer.
  const caller = new Error().stack?.split('\n').slice(1).join('\n') ?? '';
  const outcome = await vi.waitFor(
    async (): Promise<{ value: T } | { error: unknown }> => {
      let value: T;
      try {
        value = await read();
      } catch (error) {
        return { error };
      }
      if (done(value)) return { value };
      const error = new Error(failure(value));
      error.stack = `Error: ${error.message}\n${caller}`;
      throw error;
    },
    { timeout, interval },
  );
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
};

/**
 * The value `read` returns once `done` holds of it. Past the timeout, fails with
 * "timed out waiting for <what>" and the last value read.
 */
export const eventually = <T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, options: PollOptions = {}): Promise<T> =>
  poll(read, done, (last) => `timed out waiting for ${what}; last read: ${JSON.stringify(last)}`, options);

/** Waits until `done()` is true. Past the timeout, fails with "timed out waiting for <what>". */
export const until = async (done: () => boolean | Promise<boolean>, what: string, options: PollOptions = {}): Promise<void> => {
  await poll(done, Boolean, () => `timed out waiting for ${what}`, options);
};
