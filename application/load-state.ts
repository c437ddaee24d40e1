import { fold, type Decider } from '../domain/decider.ts';
import { readEvents, type EventSchemas } from '../domain/events.ts';
import type { Commit, EventStore, RecordedEvent, StreamHead } from '../domain/event-store.ts';
import { keepBounded } from './bounded.ts';

type Folding<E, S> = Pick<Decider<unknown, E, S>, 'initialState' | 'evolve' | 'events'>;

const KEPT_COMMITS = 4096;

/**
 * Commits this process has read against a catalogue, by hash, with the events read from them. A
 * commit's hash covers its exact JSON, so what is read from it is the same every time; and a
 * command loads its whole stream, mostly commits it read before. Kept frozen: a decider that
 * changed an event it folds would fail loudly, not change what the next read gets.
 */
const read = new WeakMap<EventSchemas, Map<string, readonly RecordedEvent[]>>();

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

/** The events of these commits, each read against the catalogue (upcast and parsed) once per process. */
export const eventsRead = (commits: readonly Commit[], catalogue: EventSchemas): RecordedEvent[] => {
  let kept = read.get(catalogue);
  if (!kept) read.set(catalogue, (kept = new Map()));
  return commits.flatMap((commit) => {
    const known = kept.get(commit.hash);
    if (known) return known;
    const events = deepFreeze(readEvents(commit.events, catalogue));
    keepBounded(kept, commit.hash, events, KEPT_COMMITS);
    return events;
  });
};

/** An aggregate's state, folded from commits already read (each event read against the catalogue first). */
export const stateOf = <E, S>(decider: Folding<E, S>, commits: readonly Commit[]): S => fold(decider, decider.initialState, eventsRead(commits, decider.events) as unknown as E[]);

/** An aggregate's state, folded from its stream (optionally as it was at a time), with the stream's head. */
export const loadState = async <E, S>(
  store: EventStore,
  decider: Folding<E, S>,
  streamId: string,
  options: { at?: string } = {},
): Promise<{ state: S; head: StreamHead }> => {
  const { head, commits } = await store.load(streamId, options);
  return { state: stateOf(decider, commits), head };
};
