import { VersionConflict, type ChainVerification, type Commit, type CommitMetadata, type EventStore, type LoadedStream, type NewEvent, type StreamHead } from '../../domain/event-store.ts';
import { asOf, headAfter, headOf, newCommit, toCommit, verifyChain, type StoredCommit, byAppendTime } from './stored-commit.ts';

/**
 * The event store in memory: the same port, the same commits (JSON as stored, hash chain), the
 * same refusal of a second writer from one version, so it passes the same contract tests as the
 * DynamoDB store (test/adapters/event-store.contract.ts). For the unit tier: handlers and process
 * tests run on it without Java or a runtime. Every read hands out fresh objects, so nothing a
 * caller does to a loaded event changes what is stored.
 */
export class MemoryEventStore implements EventStore {
  /** Per stream, its commits in version order (a commit's key is its first event's version). */
  private readonly streams = new Map<string, StoredCommit[]>();

  async load(streamId: string, options: { at?: string } = {}): Promise<LoadedStream> {
    let commits = this.stored(streamId).map(toCommit);
    if (options.at !== undefined) commits = asOf(commits, options.at);
    return { head: headOf(commits), commits };
  }

  async append(streamId: string, head: StreamHead, events: NewEvent[], metadata: CommitMetadata): Promise<Commit> {
    const { stored, commit } = newCommit(streamId, head, events, metadata);
    const commits = this.stored(streamId);
    // The DynamoDB store's condition, attribute_not_exists on (stream, version): a commit at that version wins once.
    if (commits.some((c) => c.version === stored.version)) throw new VersionConflict(streamId, head.version);
    this.streams.set(streamId, [...commits, stored].sort((a, b) => a.version - b.version));
    return toCommit(stored);
  }

  async readCommits(streamId: string, options: { after?: number; limit: number }) {
    const after = this.stored(streamId).filter((c) => c.version > (options.after ?? 0));
    return { commits: after.slice(0, options.limit).map(toCommit), more: after.length > options.limit };
  }

  async verify(streamId: string): Promise<ChainVerification> {
    return verifyChain(streamId, this.stored(streamId));
  }

  async head(streamId: string): Promise<StreamHead> {
    return headAfter(this.stored(streamId).at(-1));
  }

  async movedPast(heads: readonly { streamId: string; version: number }[]): Promise<boolean[]> {
    return heads.map(({ streamId, version }) => this.stored(streamId).some((c) => c.version > version));
  }

  async commitsSince(since: string): Promise<Commit[]> {
    const all = [...this.streams.values()].flat().map(toCommit).filter((c) => c.metadata.time >= since);
    return all.sort(byAppendTime);
  }

  /** Every stream id, in the order first written (for tests that look at everything a command did). */
  streamIds(): string[] {
    return [...this.streams.keys()];
  }

  /**
   * The stored commits themselves, for tests of what the chain detects (an edit, a removal). Not
   * part of the port: nothing but a test reaches into storage.
   */
  tamper(streamId: string, edit: (commits: StoredCommit[]) => StoredCommit[]) {
    this.streams.set(streamId, edit(this.stored(streamId).map((c) => ({ ...c }))));
  }

  private stored(streamId: string): StoredCommit[] {
    return this.streams.get(streamId) ?? [];
  }
}
