import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  GENESIS,
  VersionConflict,
  type ChainVerification,
  type Commit,
  type CommitMetadata,
  type EventStore,
  type LoadedStream,
  type NewEvent,
  type RecordedEvent,
  type StreamHead,
} from '../../domain/event-store.ts';
import { commitHash } from './hash-chain.ts';

/** A commit as stored: events and metadata kept as the exact JSON strings the hash covers. */
interface StoredCommit {
  streamId: string;
  version: number;
  eventsJson: string;
  metaJson: string;
  hash: string;
  prevHash: string;
}

const SCHEMA_VERSION = 1;

const toItem = (c: StoredCommit, count: number): Record<string, AttributeValue> => ({
  pk: { S: c.streamId },
  v: { N: String(c.version) },
  n: { N: String(count) },
  events: { S: c.eventsJson },
  meta: { S: c.metaJson },
  hash: { S: c.hash },
  prev: { S: c.prevHash },
});

const fromItem = (item: Record<string, AttributeValue>): StoredCommit => ({
  streamId: item.pk?.S ?? '',
  version: Number(item.v?.N),
  eventsJson: item.events?.S ?? '[]',
  metaJson: item.meta?.S ?? '{}',
  hash: item.hash?.S ?? '',
  prevHash: item.prev?.S ?? '',
});

/** A stored commit as the port's Commit; metadata is parsed on first read, as most loads never look at it. */
const parse = (c: StoredCommit): Commit => {
  let metadata: CommitMetadata | undefined;
  return {
    streamId: c.streamId,
    version: c.version,
    events: JSON.parse(c.eventsJson) as RecordedEvent[],
    get metadata() {
      return (metadata ??= JSON.parse(c.metaJson) as CommitMetadata);
    },
    hash: c.hash,
    prevHash: c.prevHash,
  };
};

const eventCount = (eventsJson: string) => {
  try {
    const events: unknown = JSON.parse(eventsJson);
    return Array.isArray(events) ? events.length : 0;
  } catch {
    return 0;
  }
};

const headOf = (commits: readonly Commit[]): StreamHead => {
  const last = commits.at(-1);
  return last ? { version: last.version + last.events.length - 1, hash: last.hash } : GENESIS;
};

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
    let commits = (await this.query(streamId)).map(parse);
    if (options.at !== undefined) {
      const at = Date.parse(options.at);
      // A prefix, never a selection: a stream as it was is its commits up to the first one after `at`.
      const after = commits.findIndex((c) => Date.parse(c.metadata.time) > at);
      if (after >= 0) commits = commits.slice(0, after);
    }
    return { head: headOf(commits), commits };
  }

  async append(streamId: string, head: StreamHead, events: NewEvent[], metadata: CommitMetadata): Promise<Commit> {
    const version = head.version + 1;
    const recorded: RecordedEvent[] = events.map((e, i) => ({
      id: randomUUID(),
      type: e.type,
      version: version + i,
      schemaVersion: SCHEMA_VERSION,
      data: e.data,
    }));
    const eventsJson = JSON.stringify(recorded);
    const metaJson = JSON.stringify(metadata);
    const hash = commitHash(head.hash, streamId, version, eventsJson, metaJson);
    const stored: StoredCommit = { streamId, version, eventsJson, metaJson, hash, prevHash: head.hash };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(stored, recorded.length),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflict(streamId, head.version);
      throw error;
    }
    return { streamId, version, events: recorded, metadata, hash, prevHash: head.hash };
  }

  async readCommits(streamId: string, options: { after?: number; limit: number }) {
    const items = await this.query(streamId, options.after ?? 0, options.limit + 1);
    return { commits: items.slice(0, options.limit).map(parse), more: items.length > options.limit };
  }

  async verify(streamId: string): Promise<ChainVerification> {
    const stored = await this.query(streamId);
    let expected = 1;
    let prev = GENESIS.hash;
    let brokenAt: number | undefined;
    for (const c of stored) {
      const count = eventCount(c.eventsJson);
      const intact =
        c.version === expected &&
        c.prevHash === prev &&
        count > 0 &&
        c.hash === commitHash(prev, streamId, c.version, c.eventsJson, c.metaJson);
      if (!intact) {
        brokenAt = c.version;
        break;
      }
      expected = c.version + count;
      prev = c.hash;
    }
    const last = stored.at(-1);
    const head = last ? { version: last.version + eventCount(last.eventsJson) - 1, hash: last.hash } : GENESIS;
    return { valid: brokenAt === undefined, commits: stored.length, head, brokenAt };
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
    if (!last) return GENESIS;
    const stored = fromItem(last);
    return { version: stored.version + eventCount(stored.eventsJson) - 1, hash: stored.hash };
  }

  /** All commits of a stream after a version, in order, by consistent Query (following pages). */
  private async query(streamId: string, after = 0, limit?: number): Promise<StoredCommit[]> {
    const out: StoredCommit[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND v > :after',
          ExpressionAttributeValues: { ':pk': { S: streamId }, ':after': { N: String(after) } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          Limit: limit === undefined ? undefined : limit - out.length,
        }),
      );
      for (const item of page.Items ?? []) out.push(fromItem(item));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || out.length < limit));
    return out;
  }
}
