import { fold, type Decider } from '../domain/decider.ts';
import { readEvents } from '../domain/events.ts';
import { eventsOf, type Commit, type EventStore, type StreamHead } from '../domain/event-store.ts';

type Folding<E, S> = Pick<Decider<unknown, E, S>, 'initialState' | 'evolve' | 'events'>;

/** An aggregate's state, folded from commits already read (each event read against the catalogue first). */
export const stateOf = <E, S>(decider: Folding<E, S>, commits: readonly Commit[]): S => fold(decider, decider.initialState, readEvents<E>(eventsOf(commits), decider.events));

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
