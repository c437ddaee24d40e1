import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import { fold } from '../../domain/decider.ts';
import { readEvents } from '../../domain/events.ts';
import { eventsOf, type EventStore, type StreamHead } from '../../domain/event-store.ts';
import { loadState } from '../load-state.ts';
import { cascadeStream, cascadeTargetStream } from '../stream-ids.ts';

/**
 * A cascade as it stands: its own stream and, while a round runs, the progress of that round's
 * targets from their streams (read at once). `head` is the cascade stream's (what If-Match pins);
 * `progress` counts the round's target events so far (0 once the round has completed).
 */
export const liveCascade = async (store: EventStore, tenant: string, cascadeId: string): Promise<{ state: CascadeState; head: StreamHead; progress: number }> => {
  const { state, head } = await loadState(store, cascadeDecider, cascadeStream(tenant, cascadeId));
  if (state.status !== 'running') return { state, head, progress: 0 };
  const streams = await Promise.all(state.roundTargets.map((mno) => store.load(cascadeTargetStream(tenant, cascadeId, state.round, mno))));
  const progress = streams.reduce((n, s) => n + s.head.version, 0);
  return { state: fold(cascadeDecider, state, readEvents(streams.flatMap((s) => eventsOf(s.commits)), cascadeDecider.events)), head, progress };
};
