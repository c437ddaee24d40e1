import type { Commit, CommitMetadata, RecordedEvent } from '../domain/event-store.ts';

/**
 * How a commit is published (the forwarder): one bus event per domain event, its detail as below.
 * Consumers parse it back with the schema in bus-events.ts. No schema library here: the forwarder
 * bundles nothing it does not run.
 */
export interface BusDetail {
  /** The tenant whose stream it is; null for platform streams (MNOs, identifier claims). */
  tenant: string | null;
  streamId: string;
  version: number;
  eventId: string;
  schemaVersion: number;
  data: unknown;
  metadata: CommitMetadata;
}

/** The tenant a stream belongs to, from its id (`T#<tenant>#…`), or null for a platform stream. */
export const tenantOfStream = (streamId: string) => /^T#([^#]+)#/.exec(streamId)?.[1] ?? null;

/** The detail of one event of a commit, as published. */
export const busDetailOf = (commit: Pick<Commit, 'streamId' | 'metadata'>, event: RecordedEvent): BusDetail => ({
  tenant: tenantOfStream(commit.streamId),
  streamId: commit.streamId,
  version: event.version,
  eventId: event.id,
  schemaVersion: event.schemaVersion,
  data: event.data,
  metadata: { ...commit.metadata },
});
