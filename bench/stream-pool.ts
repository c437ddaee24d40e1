import type { Op } from './measure.ts';

/**
 * Commits a stream holds when the benchmark starts using it, and how many commands it then takes
 * before it is set aside for a fresh one. With 8 and 5 every measured command loads a stream of
 * 8, 9, 10, 11 or 12 commits (10 on average): realistic and the same for the floor and the
 * handler, without letting a stream grow for thousands of commands.
 */
export const SEED_COMMITS = 8;
export const USES_PER_STREAM = 5;

/** The version a stream's `use`-th benchmark command appends. */
export const versionOf = (use: number) => SEED_COMMITS + use + 1;

/** Seeded streams handed out one at a time; a cursor uses each for USES_PER_STREAM operations. */
export class StreamPool<S> {
  private next = 0;
  constructor(
    readonly name: string,
    private readonly streams: readonly S[],
  ) {}

  get left() {
    return this.streams.length - this.next;
  }

  take(): S {
    const stream = this.streams[this.next++];
    if (stream === undefined) throw new Error(`${this.name}: all ${this.streams.length} seeded streams are used up`);
    return stream;
  }

  /** An operation that runs `run(stream, use)` for use = 0 … USES_PER_STREAM-1, then takes the next stream. */
  cursor(run: (stream: S, use: number) => Promise<void>): Op {
    let current: S | undefined;
    let use = USES_PER_STREAM;
    return () => {
      if (use >= USES_PER_STREAM) {
        current = this.take();
        use = 0;
      }
      return run(current!, use++);
    };
  }
}

/** Streams a run needs: whole streams for every operation, plus one partly used stream per cursor. */
export const streamsNeeded = (operations: number, cursors: number) => Math.ceil(operations / USES_PER_STREAM) + cursors;
