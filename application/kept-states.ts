import type { Decider } from '../domain/decider.ts';
import type { EventStore, StreamHead } from '../domain/event-store.ts';
import { loadState } from './load-state.ts';

type Folding<E, S> = Pick<Decider<unknown, E, S>, 'initialState' | 'evolve' | 'events'>;

/**
 * States of one aggregate that a process keeps between reads, each with the head it was read at
 * (per event store, up to `size` streams). A later read asks, in one consistent read of them all
 * (EventStore.movedPast), which streams moved past their kept head, and reads again only those: what
 * it answers is as current as a read of every stream. For streams that many steps read and that
 * seldom change (an MNO's). The states handed out are shared: they are read, never changed.
 */
export const keptStates = <E, S>(decider: Folding<E, S>, size = 256) => {
  const stores = new WeakMap<EventStore, Map<string, { head: StreamHead; state: S }>>();
  return async (store: EventStore, streamIds: readonly string[]): Promise<S[]> => {
    let kept = stores.get(store);
    if (!kept) stores.set(store, (kept = new Map()));
    const known = [...new Set(streamIds.filter((id) => kept.has(id)))];
    const moved = await store.movedPast(known.map((streamId) => ({ streamId, version: kept.get(streamId)!.head.version })));
    const current = new Map(known.filter((_, i) => !moved[i]).map((id) => [id, kept.get(id)!.state]));
    return Promise.all(
      streamIds.map(async (streamId) => {
        const state = current.get(streamId);
        if (state !== undefined) return state;
        const read = await loadState(store, decider, streamId);
        kept.delete(streamId);
        if (kept.size >= size) kept.delete(kept.keys().next().value!);
        kept.set(streamId, read);
        return read.state;
      }),
    );
  };
};
