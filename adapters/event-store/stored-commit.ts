import { randomUUID } from 'node:crypto';
import { GENESIS, type ChainVerification, type Commit, type CommitMetadata, type NewEvent, type RecordedEvent, type StreamHead } from '../../domain/event-store.ts';
import { commitHash } from './hash-chain.ts';

/**
 * A commit as every event store adapter keeps it: events and metadata as the exact JSON strings
 * the hash covers. What turns one into the port's Commit, makes a new one, and verifies a chain
 * of them is here once, so that the stores agree to the byte (the DynamoDB one and the in-memory
 * one run the same contract tests).
 */
export interface StoredCommit {
  streamId: string;
  version: number;
  eventsJson: string;
  metaJson: string;
  hash: string;
  prevHash: string;
}

/**
 * A stored commit as the port's Commit. Events and metadata are parsed on first read: most loads
 * never look at the metadata, and a command's load finds most of its commits' events already read
 * in this process, by hash (application/load-state.ts).
 */
export const toCommit = (c: StoredCommit): Commit => {
  let events: RecordedEvent[] | undefined;
  let metadata: CommitMetadata | undefined;
  return {
    streamId: c.streamId,
    version: c.version,
    get events() {
      return (events ??= JSON.parse(c.eventsJson) as RecordedEvent[]);
    },
    get metadata() {
      return (metadata ??= JSON.parse(c.metaJson) as CommitMetadata);
    },
    hash: c.hash,
    prevHash: c.prevHash,
  };
};

/** The commit of `events` after `head`, as it will be stored and as the append returns it. */
export const newCommit = (streamId: string, head: StreamHead, events: readonly NewEvent[], metadata: CommitMetadata): { stored: StoredCommit; commit: Commit } => {
  const version = head.version + 1;
  const recorded: RecordedEvent[] = events.map((e, i) => ({ id: randomUUID(), type: e.type, version: version + i, schemaVersion: e.schemaVersion ?? 1, data: e.data }));
  const eventsJson = JSON.stringify(recorded);
  const metaJson = JSON.stringify(metadata);
  const hash = commitHash(head.hash, streamId, version, eventsJson, metaJson);
  return {
    stored: { streamId, version, eventsJson, metaJson, hash, prevHash: head.hash },
    commit: { streamId, version, events: recorded, metadata, hash, prevHash: head.hash },
  };
};

/** How many events a stored commit holds (0 when its JSON is damaged). */
export const eventCount = (eventsJson: string) => {
  try {
    const events: unknown = JSON.parse(eventsJson);
    return Array.isArray(events) ? events.length : 0;
  } catch {
    return 0;
  }
};

/** Where a stream stands after its last stored commit. */
export const headAfter = (last: StoredCommit | undefined): StreamHead => (last ? { version: last.version + eventCount(last.eventsJson) - 1, hash: last.hash } : GENESIS);

/** Where a stream stands after its last loaded commit. */
export const headOf = (commits: readonly Commit[]): StreamHead => {
  const last = commits.at(-1);
  return last ? { version: last.version + last.events.length - 1, hash: last.hash } : GENESIS;
};

/** Commits in the order they were appended, across streams (time, then stream, then position): a takeover's replay. */
export const byAppendTime = (a: Commit, b: Commit) => a.metadata.time.localeCompare(b.metadata.time) || a.streamId.localeCompare(b.streamId) || a.version - b.version;

/** A prefix, never a selection: a stream as it was at `at` is its commits up to the first one after it. */
export const asOf = (commits: Commit[], at: string): Commit[] => {
  const time = Date.parse(at);
  const after = commits.findIndex((c) => Date.parse(c.metadata.time) > time);
  return after >= 0 ? commits.slice(0, after) : commits;
};

/** Recomputes a stream's chain from its first commit: each commit's position, link and hash must hold. */
export const verifyChain = (streamId: string, stored: readonly StoredCommit[]): ChainVerification => {
  let expected = 1;
  let prev = GENESIS.hash;
  let brokenAt: number | undefined;
  for (const c of stored) {
    const count = eventCount(c.eventsJson);
    const intact = c.version === expected && c.prevHash === prev && count > 0 && c.hash === commitHash(prev, streamId, c.version, c.eventsJson, c.metaJson);
    if (!intact) {
      brokenAt = c.version;
      break;
    }
    expected = c.version + count;
    prev = c.hash;
  }
  return { valid: brokenAt === undefined, commits: stored.length, head: headAfter(stored.at(-1)), brokenAt };
};
