import { BatchGetItemCommand, ConditionalCheckFailedException, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { VersionConflict, type ChainVerification, type Commit, type CommitMetadata, type EventStore, type LoadedStream, type NewEvent, type StreamHead } from '../../domain/event-store.ts';
import { bucketsBetween, TIME_INDEX, timeIndexOf } from './time-index.ts';
import { asOf, byAppendTime, eventCount, headAfter, headOf, newCommit, toCommit, verifyChain, type StoredCommit } from './stored-commit.ts';

/** `count`: the commit's events (known to the append; else counted from the JSON). */
const toItem = (c: StoredCommit, time: string, count = eventCount(c.eventsJson)): Record<string, AttributeValue> => {
  const { tb, at } = timeIndexOf(c.streamId, c.version, time);
  return {
    pk: { S: c.streamId },
    v: { N: String(c.version) },
    n: { N: String(count) },
    events: { S: c.eventsJson },
    meta: { S: c.metaJson },
    hash: { S: c.hash },
    prev: { S: c.prevHash },
    tb: { S: tb },
    at: { S: at },
  };
};

/** A commit item as the stored commit it holds (the replicator reads them too). */
export const fromItem = (item: Record<string, AttributeValue>): StoredCommit => ({
  streamId: item.pk?.S ?? '',
  version: Number(item.v?.N),
  eventsJson: item.events?.S ?? '[]',
  metaJson: item.meta?.S ?? '{}',
  hash: item.hash?.S ?? '',
  prevHash: item.prev?.S ?? '',
});

/**
 * Event store on one DynamoDB table: one item per commit, `pk` = stream id, `v` = version of the
 * commit's first event. An append is one conditional PutItem on a key that two writers from the
 * same version share, so exactly one of them wins and no event is overwritten.
 */
export class DynamoDbEventStore implements EventStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async load(streamId: string, options: { at?: string } = {}): Promise<LoadedStream> {
    let commits = (await this.query(streamId)).map(toCommit);
    if (options.at !== undefined) commits = asOf(commits, options.at);
    return { head: headOf(commits), commits };
  }

  async append(streamId: string, head: StreamHead, events: NewEvent[], metadata: CommitMetadata): Promise<Commit> {
    const { stored, commit } = newCommit(streamId, head, events, metadata);
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toItem(stored, metadata.time, events.length), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflict(streamId, head.version);
      throw error;
    }
    return commit;
  }

  async readCommits(streamId: string, options: { after?: number; limit: number }) {
    const items = await this.query(streamId, options.after ?? 0, options.limit + 1);
    return { commits: items.slice(0, options.limit).map(toCommit), more: items.length > options.limit };
  }

  async verify(streamId: string): Promise<ChainVerification> {
    return verifyChain(streamId, await this.query(streamId));
  }

  async head(streamId: string): Promise<StreamHead> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: streamId } },
        ConsistentRead: true,
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const last = page.Items?.[0];
    return headAfter(last ? fromItem(last) : undefined);
  }

  async movedPast(heads: readonly { streamId: string; version: number }[]): Promise<boolean[]> {
    // Commits are keyed by their first event's version, without gaps: a stream moved past `version` when a commit is keyed `version + 1`.
    const key = (streamId: string, version: number) => `${version} ${streamId}`;
    const asked = new Map(heads.map(({ streamId, version }) => [key(streamId, version), { pk: { S: streamId }, v: { N: String(version + 1) } }]));
    const found = new Set((await this.batchGet([...asked.values()], 'pk, v')).map((item) => key(item.pk!.S!, Number(item.v!.N) - 1)));
    return heads.map(({ streamId, version }) => found.has(key(streamId, version)));
  }

  async commitsSince(since: string): Promise<Commit[]> {
    const buckets = bucketsBetween(Date.parse(since), Date.now() + 60_000);
    // One bucket of the time index each, from `since` on (the index is eventually consistent: a takeover reads it seconds after the writes).
    const keys = (
      await Promise.all(
        buckets.map((tb) =>
          this.keysOf({ TableName: this.tableName, IndexName: TIME_INDEX, KeyConditionExpression: 'tb = :tb AND #at >= :since', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':tb': { S: tb }, ':since': { S: since } } }),
        ),
      )
    ).flat();
    // The index lists the commits (keys only): they are read from the table.
    const commits = (await this.batchGet(keys)).map((item) => toCommit(fromItem(item)));
    return commits.sort(byAppendTime);
  }

  /** A Query's items' table keys (pk, v), following its pages. */
  private async keysOf(input: QueryCommandInput): Promise<Record<string, AttributeValue>[]> {
    const out: Record<string, AttributeValue>[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) out.push({ pk: item.pk!, v: item.v! });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** The items of these keys (those that exist; `projection`: only those attributes), read consistently, 100 at a time, until DynamoDB has answered for every one (what it leaves unprocessed is asked again, after a pause). */
  private async batchGet(keys: readonly Record<string, AttributeValue>[], projection?: string): Promise<Record<string, AttributeValue>[]> {
    const out: Record<string, AttributeValue>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, AttributeValue>[] = keys.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((ok) => setTimeout(ok, Math.min(1_000, 50 * 2 ** attempt)));
        if (attempt >= 10) throw new Error(`BatchGetItem left ${pending.length} commits unread after ${attempt} attempts`);
        const page = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true, ...(projection && { ProjectionExpression: projection }) } } }));
        out.push(...(page.Responses?.[this.tableName] ?? []));
        pending = (page.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
      }
    }
    return out;
  }

  /** All commits of a stream after a version, in order, by consistent Query. */
  private query(streamId: string, after = 0, limit?: number): Promise<StoredCommit[]> {
    const input = { TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND v > :after', ExpressionAttributeValues: { ':pk': { S: streamId }, ':after': { N: String(after) } }, ConsistentRead: true };
    return this.queryAll(input, limit);
  }

  /** A Query's items as stored commits, following its pages (up to `limit`). */
  private async queryAll(input: QueryCommandInput, limit?: number): Promise<StoredCommit[]> {
    const out: StoredCommit[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: limit === undefined ? undefined : limit - out.length }));
      for (const item of page.Items ?? []) out.push(fromItem(item));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || out.length < limit));
    return out;
  }
}
