import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { recordReplicationConflict } from '../../../application/replication/record-conflict.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { winnerOf, type CommitSide } from '../../../domain/replication/conflicts.ts';
import { startStreamPoller } from '../stream-poller.ts';
import { fromItem } from '../../../adapters/event-store/dynamodb-event-store.ts';
import { toCommit } from '../../../adapters/event-store/stored-commit.ts';

type Item = Record<string, AttributeValue>;

/** A commit item's side of a conflict: its region, time, actor, command, hash and events (types and ids). */
const sideOf = (item: Item): CommitSide => {
  const { metadata, hash, events } = toCommit(fromItem(item));
  return { region: metadata.region, time: metadata.time, actor: metadata.actor, commandId: metadata.commandId, hash, events: events.map(({ id, type }) => ({ id, type })) };
};

const isCommit = (item: Item) => item.events?.S !== undefined && item.meta?.S !== undefined && item.hash?.S !== undefined;
const isLease = (item: Item) => item.pk?.S?.startsWith('LEASE#') === true;
const keyOf = (item: Item, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, item[k]!]));

/**
 * The `eventual` mode's replication, standing for DynamoDB's multi-region eventual consistency on
 * this machine: every write to a replicated table in one region's DynamoDB Local reaches the other's
 * `lagMs` later (read from the source's stream). Appends hold only per region, so two regions may
 * each commit at one version of a stream: replication keeps the later commit in both (last writer
 * wins, as DynamoDB does) and records the conflict in the region that sees it (never silently);
 * the lease keeps the higher token; anything else the source wrote is copied unless the target has
 * it already (so a copy never echoes back and forth).
 */
export const startReplicator = async (options: {
  from: { name: string; client: DynamoDBClient; endpoint: string };
  to: { name: string; client: DynamoDBClient; store: EventStore };
  tables: readonly { name: string; keys: readonly string[] }[];
  lagMs: number;
  checkpointFile: (table: string) => string | undefined;
  log: (message: string) => void;
}) => {
  const stats = { replicated: 0, conflicts: 0 };
  const put = (table: string, item: Item, condition?: string) => options.to.client.send(new PutItemCommand({ TableName: table, Item: item, ...(condition && { ConditionExpression: condition }) }));
  const current = async (table: string, item: Item, keys: readonly string[]) => (await options.to.client.send(new GetItemCommand({ TableName: table, Key: keyOf(item, keys), ConsistentRead: true }))).Item;

  const applyCommit = async (table: string, item: Item, keys: readonly string[]) => {
    try {
      await put(table, item, 'attribute_not_exists(pk)');
      stats.replicated++;
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const there = await current(table, item, keys);
    if (!there || there.hash?.S === item.hash?.S) return; // the same commit: a copy coming back
    const [incoming, kept] = [sideOf(item), sideOf(there)];
    const winner = winnerOf(incoming, kept);
    if (winner === incoming) await put(table, item);
    stats.conflicts++;
    const conflict = { streamId: item.pk!.S!, version: Number(item.v!.N), detectedIn: options.to.name, kept: winner, lost: winner === incoming ? kept : incoming };
    options.log(`replication conflict on ${conflict.streamId} at version ${conflict.version}: ${conflict.kept.region}'s commit kept, ${conflict.lost.region}'s lost (recorded)`);
    await recordReplicationConflict(options.to.store, conflict);
  };

  const applyOther = async (table: string, item: Item, keys: readonly string[]) => {
    const there = await current(table, item, keys);
    if (there && JSON.stringify(there) === JSON.stringify(item)) return;
    // The lease: the higher token holds (at the same token, the later expiry).
    if (there && isLease(item) && (Number(there.token?.N) > Number(item.token?.N) || (there.token?.N === item.token?.N && Number(there.expiresAtMs?.N) >= Number(item.expiresAtMs?.N)))) return;
    await put(table, item);
    stats.replicated++;
  };

  const pollers = await Promise.all(
    options.tables.map((table) =>
      startStreamPoller({
        dynamodb: options.from.client,
        endpoint: options.from.endpoint,
        tableName: table.name,
        checkpointFile: options.checkpointFile(table.name),
        handlers: [
          async ({ Records }) => {
            // Replication lag: what the source wrote reaches the target this much later.
            await new Promise((ok) => setTimeout(ok, options.lagMs));
            for (const record of Records) {
              const item = record.dynamodb?.NewImage as Item | undefined;
              if (!item || record.eventName === 'REMOVE') continue;
              await (isCommit(item) ? applyCommit(table.name, item, table.keys) : applyOther(table.name, item, table.keys));
            }
          },
        ],
      }),
    ),
  );
  return { stats, stop: () => Promise.all(pollers.map((p) => p.stop())).then(() => undefined) };
};
