import { fold, type Decider } from '../domain/decider.ts';
import { readEvents } from '../domain/events.ts';
import { eventsOf, type EventStore, type StreamHead } from '../domain/event-store.ts';

/** An aggregate's state, folded from its stream (optionally as it was at a time), with the stream's head. */
export const loadState = async <E, S>(
  store: EventStore,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve' | 'events'>,
  streamId: string,
  options: { at?: string } = {},
): Promise<{ state: S; head: StreamHead }> => {
  const { head, commits } = await store.load(streamId, options);
  return { state: fold(decider, decider.initialState, readEvents<E>(eventsOf(commits), decider.events)), head };
};
