import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  QueryCommand,
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { CommitMetadata, RecordedEvent } from '../../domain/event-store.ts';
import { projectionOf, type Projection } from '../../adapters/read-models/projections.ts';
import { applyCommits, initialOf, rowItem, type ProjectedCommit, type Projected } from '../../adapters/read-models/rows.ts';

export interface RebuildProgress {
  phase: 'count' | 'clear' | 'scan' | 'write' | 'sweep';
  /** Items of the phase done, and how many there are (for `scan`, an estimate of the event store's commits). */
  done: number;
  total: number;
  /** Events read so far. */
  events: number;
}

export interface RebuildOptions {
  client: DynamoDBClient;
  eventsTable: string;
  /** The read-model table to rebuild (it must exist). */
  table: string;
  /** Parallel Scan segments (default 8). */
  segments?: number;
  /**
   * From scratch: delete every row first (lists are empty until their rows are written again).
   * Default false: in place, lists stay served throughout; rows are rewritten where the table is
   * behind or at the same version (a damaged row is repaired), and rows no stream produces are
   * swept afterwards.
   */
  clear?: boolean;
  onProgress?: (p: RebuildProgress) => void;
}

type Item = Record<string, AttributeValue>;

/** Every item of a table through parallel Scan segments, a page at a time. */
const scanAll = async (client: DynamoDBClient, input: ScanCommandInput, segments: number, onPage: (items: Item[]) => Promise<void> | void) => {
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Item | undefined;
      do {
        const page = await client.send(new ScanCommand({ ...input, Segment: segment, TotalSegments: segments, ExclusiveStartKey: start }));
        await onPage(page.Items ?? []);
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
};

/** DescribeTable's ItemCount (refreshed about every six hours in AWS); a count scan when it says 0. */
const estimateCommits = async (client: DynamoDBClient, table: string, segments: number) => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  if (Table?.ItemCount) return Table.ItemCount;
  let count = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Item | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: table, Select: 'COUNT', Segment: segment, TotalSegments: segments, ExclusiveStartKey: start }));
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
  return count;
};

const deleteRows = async (client: DynamoDBClient, table: string, keys: Item[]) => {
  for (let i = 0; i < keys.length; i += 25) {
    let requests: NonNullable<BatchWriteItemCommand['input']['RequestItems']> = { [table]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) };
    for (let attempt = 0; Object.keys(requests).length > 0; attempt++) {
      if (attempt > 0) await new Promise((ok) => setTimeout(ok, Math.min(1000, 50 * 2 ** attempt)));
      requests = (await client.send(new BatchWriteItemCommand({ RequestItems: requests }))).UnprocessedItems ?? {};
    }
  }
};

interface Folding {
  target: NonNullable<ReturnType<typeof projectionOf>>;
  projected: Projected<unknown>;
  /** Commits seen before the one they follow (Scan order is not stream order). */
  pending: Map<number, ProjectedCommit>;
}

/**
 * Rebuilds the read models from the event store: optionally clears the table, scans every commit
 * (parallel segments), folds each projected stream with the live projector's own functions, and
 * writes each row on condition that it is new or behind, so a projector running at the same time
 * (always ahead or equal for any stream it touched) keeps its rows. Memory: one state per
 * projected stream, plus commits seen before their predecessor.
 */
export const rebuildReadModels = async (o: RebuildOptions) => {
  const { client, table } = o;
  const segments = o.segments ?? 8;
  const report = o.onProgress ?? (() => undefined);
  const started = performance.now();
  let removed = 0;
  if (o.clear ?? false) {
    report({ phase: 'clear', done: 0, total: 0, events: 0 });
    await scanAll(client, { TableName: table, ProjectionExpression: 'pk' }, segments, async (keys) => {
      await deleteRows(client, table, keys);
      removed += keys.length;
      report({ phase: 'clear', done: removed, total: 0, events: 0 });
    });
  }

  report({ phase: 'count', done: 0, total: 0, events: 0 });
  const total = await estimateCommits(client, o.eventsTable, segments);
  const streams = new Map<string, Folding>();
  let commits = 0;
  let events = 0;
  const scan = { TableName: o.eventsTable, ProjectionExpression: '#pk, #v, #n, #events, #meta', ExpressionAttributeNames: { '#pk': 'pk', '#v': 'v', '#n': 'n', '#events': 'events', '#meta': 'meta' } };
  await scanAll(client, scan, segments, (items) => {
    for (const item of items) {
      commits++;
      events += Number(item.n?.N ?? 0);
      const streamId = item.pk?.S ?? '';
      const target = projectionOf(streamId);
      if (!target) continue;
      const s = streams.get(streamId) ?? { target, projected: initialOf(target.projection), pending: new Map() };
      streams.set(streamId, s);
      const version = Number(item.v?.N);
      s.pending.set(version, { version, events: JSON.parse(item.events?.S ?? '[]') as RecordedEvent[], metadata: JSON.parse(item.meta?.S ?? '{}') as CommitMetadata });
      for (let next; (next = s.pending.get(s.projected.version + 1)); ) {
        s.pending.delete(next.version);
        s.projected = applyCommits(s.target.projection as Projection<unknown>, s.projected, [next]);
      }
    }
    report({ phase: 'scan', done: commits, total: Math.max(total, commits), events });
  });

  const rows = [...streams].flatMap(([streamId, s]) => {
    const item = s.projected.version > 0 ? rowItem(s.target.projection, { streamId, ...s.target }, s.projected) : undefined;
    return item ? [item] : [];
  });
  // A commit whose predecessor the scan missed was appended during it: the live projector has it.
  const incomplete = [...streams.values()].filter((s) => s.pending.size > 0).length;
  let written = 0;
  /** Rows the table already had at that version or newer: a live projector got there first. */
  let kept = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, rows.length) }, async () => {
      while (next < rows.length) {
        const item = rows[next++]!;
        try {
          await client.send(
            new PutItemCommand({
              TableName: table,
              Item: item,
              // Behind or equal: a row at the rebuilt version gets the rebuilt content (a damaged one is repaired); a
              // row ahead is the live projector's newer work, kept.
              ConditionExpression: 'attribute_not_exists(pk) OR #version <= :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': item.version! },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          kept++;
        }
        report({ phase: 'write', done: ++written, total: rows.length, events });
      }
    }),
  );
  // Sweep (in place): a row no scanned stream produced is stray only if its stream has no commit
  // at all (a stream first written after the scan has its row from the live projector: kept).
  if (!(o.clear ?? false)) {
    const candidates: Item[] = [];
    await scanAll(client, { TableName: table, ProjectionExpression: 'pk, #version', ExpressionAttributeNames: { '#version': 'version' } }, segments, (items) => {
      for (const item of items) if (!streams.has(item.pk?.S ?? '')) candidates.push(item);
    });
    for (const row of candidates) {
      const { Count } = await client.send(
        new QueryCommand({ TableName: o.eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': row.pk! }, ConsistentRead: true, Limit: 1, Select: 'COUNT' }),
      );
      if (Count) continue;
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: table,
            Key: { pk: row.pk! },
            ConditionExpression: '#version = :seen',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':seen': row.version ?? { N: '0' } },
          }),
        );
        removed++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      report({ phase: 'sweep', done: removed, total: candidates.length, events });
    }
  }
  return { commits, events, rows: rows.length, removed, kept, incomplete, seconds: (performance.now() - started) / 1000 };
};
