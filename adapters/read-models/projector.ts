import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { EventStore } from '../../domain/event-store.ts';
import { logger } from '../observability/logger.ts';
import { commitOf, type StreamEvent } from '../event-store/stream-records.ts';
import { projectionOf } from './projections.ts';
import { applyCommits, initialOf, lastVersion, projectedOf, rowItem, type ProjectedCommit } from './rows.ts';

/** Writes that lost a race (another projector, a rebuild) are decided again on the row they lost to. */
const ATTEMPTS = 5;
const CONCURRENCY = 16;

export interface ProjectorOptions {
  client: DynamoDBClient;
  /** Where a stream's missed commits are read from. */
  store: Pick<EventStore, 'readCommits'>;
  table: string;
}

/** Every commit of a stream after a version, oldest first (consistent reads). */
const commitsAfter = async (store: ProjectorOptions['store'], streamId: string, after: number) => {
  const out: ProjectedCommit[] = [];
  for (let more = true; more; ) {
    const page = await store.readCommits(streamId, { after, limit: 500 });
    out.push(...page.commits);
    after = page.commits.at(-1)?.version ?? after;
    more = page.more;
  }
  return out;
};

/** Commits that start right after `version` and follow each other without a gap. */
const follow = (version: number, commits: readonly ProjectedCommit[]) =>
  commits.every((c, i) => c.version === (i === 0 ? version : lastVersion(commits[i - 1]!)) + 1);

const inParallel = async <T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
};

/**
 * DynamoDB stream → read-model table. Every commit is projected, wherever it was appended: read
 * models are regional and each replica's stream carries every write, so each region's projector
 * keeps its own table complete (unlike the forwarder, no `originatedIn` filter).
 *
 * Idempotent and order-proof: a row holds the version of its stream it includes. Commits it
 * already includes change nothing (duplicates, late deliveries); commits that follow it are
 * folded in; a gap (a commit delivered before an earlier one, a row cleared by a rebuild) is
 * filled from the event store. The write is conditional on the version read (compare-and-set),
 * so no row ever goes back and two writers of the same stream cannot lose each other's work.
 */
export const createProjector = ({ client, store, table }: ProjectorOptions) => {
  const projectStream = async (streamId: string, commits: readonly ProjectedCommit[]) => {
    const target = projectionOf(streamId);
    if (!target) return;
    const { projection } = target;
    for (let attempt = 1; ; attempt++) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: streamId } }, ConsistentRead: true }));
      const current = Item ? projectedOf<unknown>(Item) : initialOf(projection);
      const fresh = commits.filter((c) => lastVersion(c) > current.version);
      if (fresh.length === 0) return;
      const missed = follow(current.version, fresh) ? fresh : await commitsAfter(store, streamId, current.version);
      const item = rowItem(projection, { streamId, ...target }, applyCommits(projection, current, missed));
      if (!item) return;
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: item,
            ConditionExpression: Item ? '#version = :seen' : 'attribute_not_exists(pk)',
            ...(Item && { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':seen': { N: String(current.version) } } }),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= ATTEMPTS) throw error;
      }
    }
  };

  /** Stream records in batch order, grouped by event-store stream: streams in parallel, each one's commits in order. */
  const handler = async (event: StreamEvent): Promise<DynamoDBBatchResponse> => {
    const streams = new Map<string, { first: number; commits: Map<number, ProjectedCommit> }>();
    event.Records.forEach((record, i) => {
      const commit = commitOf(record);
      if (!commit || !projectionOf(commit.streamId)) return;
      const group = streams.get(commit.streamId) ?? { first: i, commits: new Map() };
      group.commits.set(commit.version, commit);
      streams.set(commit.streamId, group);
    });
    const failed: number[] = [];
    await inParallel([...streams], CONCURRENCY, async ([streamId, group]) => {
      try {
        await projectStream(streamId, [...group.commits.values()].sort((a, b) => a.version - b.version));
      } catch (error) {
        logger.error('projection failed', { streamId, error: error as Error });
        failed.push(group.first);
      }
    });
    if (failed.length === 0) return { batchItemFailures: [] };
    // Streams are ordered: the earliest failed record and all after it come again, harmlessly.
    return { batchItemFailures: [{ itemIdentifier: event.Records[Math.min(...failed)]!.dynamodb.SequenceNumber }] };
  };

  return { handler, projectStream };
};
