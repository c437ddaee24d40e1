import * as z from '../zod-mini.ts';
import type { Decider } from '../decider.ts';
import { eventSchemas, lazySchemas } from '../events.ts';

/** One side of a conflict: the commit one region appended at a stream's version. */
const CommitSide = z.object({
  region: z.string(),
  time: z.string(),
  actor: z.string(),
  commandId: z.string(),
  hash: z.string(),
  /** What it held: its events' types and ids (their data stays in the kept commit or the ops log, not here). */
  events: z.array(z.object({ id: z.string(), type: z.string() })),
});
export type CommitSide = z.infer<typeof CommitSide>;

/**
 * With eventually consistent replication (MREC), two regions may each append a commit at the same
 * version of one stream; replication keeps the later (last writer wins, as DynamoDB does) and the
 * other is lost. That is never silent: the replicator records each such conflict, once per region
 * that detects it, on a stream of its own (`REPLICATION#<region>#<stream>#<version>`), for an
 * operator to reconcile.
 */
export const ReplicationEvents = lazySchemas({
  ReplicationConflictDetected: () => z.object({
    streamId: z.string(),
    version: z.number().check(z.int(), z.positive()),
    detectedIn: z.string(),
    kept: CommitSide,
    lost: CommitSide,
  }),
});

export type ReplicationConflict = z.infer<(typeof ReplicationEvents)['ReplicationConflictDetected']>;
export type ReplicationEvent = { type: 'ReplicationConflictDetected'; data: ReplicationConflict };
export type ReplicationCommand = { type: 'RecordConflict'; conflict: ReplicationConflict };

/** The later commit wins (by its time; at the same instant, by region name), as last-writer-wins replication decides. */
export const winnerOf = (a: CommitSide, b: CommitSide) => (a.time > b.time || (a.time === b.time && a.region > b.region) ? a : b);

export const replicationConflictDecider: Decider<ReplicationCommand, ReplicationEvent, { recorded: boolean }> = {
  events: eventSchemas(ReplicationEvents),
  initialState: { recorded: false },
  decide: (command, state) => (state.recorded ? [] : [{ type: 'ReplicationConflictDetected', data: command.conflict }]),
  evolve: () => ({ recorded: true }),
};
