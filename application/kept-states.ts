import type { Decider } from '../domain/decider.ts';
import type { EventStore, StreamHead } from '../domain/event-store.ts';
import { loadState } from './load-state.ts';
import { keepBounded } from './bounded.ts';

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
    // The entries asked about, as they are now: what the answer is about, whatever another read keeps meanwhile.
    const asked = [...new Set(streamIds)].flatMap((streamId) => {
      const entry = kept.get(streamId);
      return entry ? [{ streamId, entry }] : [];
    });
    const moved = await store.movedPast(asked.map(({ streamId, entry }) => ({ streamId, version: entry.head.version })));
    const current = new Map(asked.filter((_, i) => !moved[i]).map(({ streamId, entry }) => [streamId, entry.state]));
    return Promise.all(
      streamIds.map(async (streamId) => {
        if (current.has(streamId)) return current.get(streamId)!;
        const read = await loadState(store, decider, streamId);
        // A read that started earlier and ended later does not replace a newer one.
        const newer = kept.get(streamId);
        if (!newer || newer.head.version <= read.head.version) {
          keepBounded(kept, streamId, read, size);
        }
        return read.state;
      }),
    );
  };
};
