import { stamped, type EventSchemas } from '../domain/events.ts';
import { VersionConflict, type CommitMetadata, type EventStore, type NewEvent } from '../domain/event-store.ts';

/**
 * Appends to a log-like stream whose events need no decision (an index of ids, say): reads only
 * the stream's head, never the whole stream, so the cost stays flat however long the log grows.
 * A conflict means another writer appended first: read the new head and append after it. `log`
 * is what the stream may hold (its decider's `events`), for the events' schema versions.
 */
export const appendToLog = async (store: EventStore, streamId: string, log: EventSchemas, events: NewEvent[], metadata: CommitMetadata, maxAttempts = 20) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.append(streamId, await store.head(streamId), stamped(events, log), metadata);
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * attempt));
    }
  }
};
