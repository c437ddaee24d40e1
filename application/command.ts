import { randomUUID } from 'node:crypto';
import type { Decider } from '../domain/decider.ts';
import { fold } from '../domain/decider.ts';
import { stamped } from '../domain/events.ts';
import { VersionConflict, type CommitMetadata, type EventStore, type LoadedStream, type StreamHead } from '../domain/event-store.ts';
import { stateOf } from './load-state.ts';

export class PreconditionFailed extends Error {
  override readonly name = 'PreconditionFailed';
  constructor(
    readonly current: number,
    /** The stream as read when the put was refused (a caller deciding again need not read it again). */
    readonly fresh?: LoadedStream | undefined,
  ) {
    super(`the stream is at version ${current}`);
  }
}

export interface CommandContext {
  actor: string;
  correlationId: string;
  region: string;
  /** The version the client pinned with If-Match: no retry on conflict, a mismatch fails. */
  expectedVersion?: number | undefined;
  /**
   * The command's id in its commit's metadata (default: a fresh UUID). A workflow step that gives a
   * command once per item names it after the item, so a step run again finds its commit (and a
   * commit of a run that lost the race is recognised as this command's).
   */
  commandId?: string | undefined;
}

/** A stream's head and the state folded from it, as a caller already knows them. */
export interface Known<S> {
  head: StreamHead;
  state: S;
}

export interface CommandOutcome<S> {
  state: S;
  head: StreamHead;
  /** False when the command was already satisfied and nothing was appended. */
  changed: boolean;
}

/** Attempts of a command that keeps losing races on its stream before it gives up (then a 409 with Retry-After). */
export const COMMAND_ATTEMPTS = 16;

/** Before attempt n + 1: full jitter over an exponential window (8 ms, 16 ms, … up to 250 ms), so writers that collided do not collide again in lock-step. */
const backoffMs = (attempt: number) => Math.random() * Math.min(250, 4 * 2 ** attempt);

/**
 * Load → decide → append, the one way every command runs. On a version conflict the command is
 * decided again on fresh state (up to COMMAND_ATTEMPTS times: enough for 32 writers on one stream
 * at once) unless the client pinned a version.
 */
export const executeCommand = async <C, E extends { type: string; data: unknown }, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  context: CommandContext,
  maxAttempts = COMMAND_ATTEMPTS,
  /**
   * The stream as the caller has just loaded it (to decide what to ask), or its head and state as
   * the caller knows them (a workflow step carries them from the step before): the first attempt
   * decides on it rather than loading it again; the conditional put still refuses it if stale.
   */
  loaded?: LoadedStream | Known<S>,
): Promise<CommandOutcome<S>> => {
  const commandId = context.commandId ?? randomUUID();
  let known = loaded;
  for (let attempt = 1; ; attempt++) {
    const stream = known ?? (await store.load(streamId));
    known = undefined;
    const { head } = stream;
    if (context.expectedVersion !== undefined && context.expectedVersion !== head.version)
      throw new PreconditionFailed(head.version);
    const state = 'state' in stream ? stream.state : stateOf(decider, stream.commits);
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, head, changed: false };
    const metadata: CommitMetadata = {
      actor: context.actor,
      commandId,
      correlationId: context.correlationId,
      region: context.region,
      time: new Date().toISOString(),
    };
    try {
      const commit = await store.append(streamId, head, stamped(events, decider.events), metadata);
      const last = commit.events.at(-1)!;
      return { state: fold(decider, state, events), head: { version: last.version, hash: commit.hash }, changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (context.expectedVersion === undefined) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      // The stream as it is now (after the pause): the next attempt decides on it. The SDK retries a put whose reply was lost; the retry then conflicts with our own write.
      const fresh = await store.load(streamId);
      const landed = fresh.commits.find((c) => c.version > head.version && c.metadata.commandId === commandId);
      if (landed) {
        const last = landed.events.at(-1)!;
        return { state: fold(decider, state, events), head: { version: last.version, hash: landed.hash }, changed: true };
      }
      if (context.expectedVersion !== undefined) throw new PreconditionFailed(fresh.head.version, fresh);
      if (attempt >= maxAttempts) throw error;
      known = fresh;
    }
  }
};
