import type { EventStore } from '../../domain/event-store.ts';
import { replicationConflictDecider, type ReplicationConflict } from '../../domain/replication/conflicts.ts';
import { executeCommand } from '../command.ts';
import { replicationConflictStream } from '../stream-ids.ts';

/** Records a replication conflict in the region that detected it, once however often it is seen (domain/replication/conflicts.ts). */
export const recordReplicationConflict = (store: EventStore, conflict: ReplicationConflict) =>
  executeCommand(store, replicationConflictDecider, replicationConflictStream(conflict.detectedIn, conflict.streamId, conflict.version), { type: 'RecordConflict', conflict }, {
    actor: 'switchboard:replicator',
    correlationId: `${conflict.streamId}#${conflict.version}`,
    region: conflict.detectedIn,
  });
