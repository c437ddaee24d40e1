/**
 * The event store as the domain sees it (a port): streams of commits, each commit the events
 * one command produced. Adapters (DynamoDB) live in functions/.
 */
export interface NewEvent {
  type: string;
  data: unknown;
  /** The version of its type's schema the data has (domain/event-catalogue.ts); 1 when not given. */
  schemaVersion?: number | undefined;
}

export interface RecordedEvent {
  id: string;
  type: string;
  /** Position of the event in its stream, from 1, with no gap. */
  version: number;
  schemaVersion: number;
  data: unknown;
}

export interface CommitMetadata {
  /** The verified subject who issued the command. */
  actor: string;
  commandId: string;
  correlationId: string;
  causationId?: string | undefined;
  /** The region whose handler appended the commit. */
  region: string;
  /** RFC 3339 time of the append. */
  time: string;
}

export interface Commit {
  streamId: string;
  /** Version of the commit's first event. */
  version: number;
  events: RecordedEvent[];
  metadata: CommitMetadata;
  /** sha256(prevHash ‖ canonical commit), hex. */
  hash: string;
  prevHash: string;
}

/** Where a stream stands: its last event's version (0 when empty) and its last commit's hash. */
export interface StreamHead {
  version: number;
  hash: string;
}

export interface LoadedStream {
  head: StreamHead;
  commits: Commit[];
}

export interface ChainVerification {
  valid: boolean;
  commits: number;
  head: StreamHead;
  /** Version of the first commit whose hash, link or position does not hold. */
  brokenAt?: number | undefined;
}

export interface EventStore {
  /** The whole stream, or as it was at an RFC 3339 time. */
  load(streamId: string, options?: { at?: string }): Promise<LoadedStream>;
  /** Appends one commit after `head`; throws VersionConflict when the stream has moved on. */
  append(streamId: string, head: StreamHead, events: NewEvent[], metadata: CommitMetadata): Promise<Commit>;
  /** A page of commits after a version, oldest first. */
  readCommits(streamId: string, options: { after?: number; limit: number }): Promise<{ commits: Commit[]; more: boolean }>;
  verify(streamId: string): Promise<ChainVerification>;
  /** Where a stream stands, reading only its last commit: for append-only logs that need no state to decide. */
  head(streamId: string): Promise<StreamHead>;
  /**
   * Of each stream, whether it moved past a version (a commit follows it), all in one consistent read
   * of the next commit's key: what a step asks to know that nothing changed since it last read them.
   */
  movedPast(heads: readonly { streamId: string; version: number }[]): Promise<boolean[]>;
  /**
   * Every commit appended (by its metadata's time) at or after `since`, of every stream, oldest
   * first: what a publisher taking the lease over publishes again from the watermark.
   */
  commitsSince(since: string): Promise<Commit[]>;
}

export class VersionConflict extends Error {
  override readonly name = 'VersionConflict';
  constructor(
    readonly streamId: string,
    readonly expected: number,
  ) {
    super(`stream ${streamId} has moved past version ${expected}`);
  }
}

export const GENESIS: StreamHead = { version: 0, hash: '' };

export const eventsOf = (commits: readonly Commit[]): RecordedEvent[] => commits.flatMap((c) => c.events);
