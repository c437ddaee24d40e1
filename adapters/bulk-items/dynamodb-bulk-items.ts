import { BatchWriteItemCommand, GetItemCommand, QueryCommand, TransactWriteItemsCommand, TransactionCanceledException, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { ItemOutcome } from '../../domain/bulk/item.ts';
import type { BulkItem, BulkItems, BulkKey } from '../../application/bulk/ports.ts';

type Item = Record<string, AttributeValue>;

/** Items are kept this long after their last write (the operation's events stay in the event store). */
const KEEP_SECONDS = 90 * 24 * 3600;

/**
 * The bulk-items table (manifest/tables.ts `bulkItems`), one partition per operation:
 * - `c#<chunk>#<eid>`: an item of the manifest, with its outcome once its chunk has run;
 * - `m#<chunk>`: the mark that the chunk's outcomes are recorded (written with them and the counts, in one transaction);
 * - `counts`: the outcomes so far (atomic counters).
 * Chunk numbers are zero-padded, so the manifest reads back in order.
 */
const pad = (chunk: number) => String(chunk).padStart(7, '0');
const itemKey = (chunk: number, eid: string) => `c#${pad(chunk)}#${eid}`;
const markKey = (chunk: number) => `m#${pad(chunk)}`;
const COUNTS = 'counts';
/** A transaction takes 100 writes: the mark, the counts, and the chunk's outcomes. */
const MAX_CHUNK = 98;

const outcomeAttributes = (o: ItemOutcome): Item => ({
  outcome: { S: o.outcome },
  ...(o.outcome !== 'succeeded' && { code: { S: o.code }, reason: { S: o.reason } }),
});

const itemOf = (row: Item): BulkItem => {
  const outcome = row.outcome?.S as ItemOutcome['outcome'] | undefined;
  return {
    eid: row.eid!.S!,
    chunk: Number(row.chunk!.N),
    outcome: outcome === undefined ? undefined : outcome === 'succeeded' ? { outcome } : ({ outcome, code: row.code?.S ?? '', reason: row.reason?.S ?? '' } as ItemOutcome),
  };
};

export const dynamoDbBulkItems = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now): BulkItems => {
  const expiresAt = () => ({ N: String(Math.floor(nowMs() / 1000) + KEEP_SECONDS) });

  /** BatchWriteItem, 25 at a time, until DynamoDB has taken every one (unprocessed ones again, with a pause). */
  const putAll = async (rows: Item[]) => {
    for (let i = 0; i < rows.length; i += 25) {
      let requests: WriteRequest[] = rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((ok) => setTimeout(ok, Math.min(1000, 50 * 2 ** attempt)));
        const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = UnprocessedItems?.[table] ?? [];
      }
    }
  };

  const queryAll = async (bulk: BulkKey, prefix: string) => {
    const rows: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': { S: bulk }, ':prefix': { S: prefix } }, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      rows.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  };

  const recorded = async (bulk: BulkKey, chunk: number) =>
    (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: bulk }, sk: { S: markKey(chunk) } }, ConsistentRead: true, ProjectionExpression: 'pk' }))).Item !== undefined;

  return {
    addChunk: async (bulk, chunk, eids) => {
      if (await recorded(bulk, chunk)) return;
      // The chunk as this selection has it, whatever an earlier (or concurrent) run wrote under its number.
      const wanted = new Set(eids);
      const stale = (await queryAll(bulk, `c#${pad(chunk)}#`)).filter((row) => !wanted.has(row.eid!.S!));
      for (let i = 0; i < stale.length; i += 25)
        await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: stale.slice(i, i + 25).map((row) => ({ DeleteRequest: { Key: { pk: row.pk!, sk: row.sk! } } })) } }));
      await putAll(eids.map((eid) => ({ pk: { S: bulk }, sk: { S: itemKey(chunk, eid) }, eid: { S: eid }, chunk: { N: String(chunk) }, expiresAt: expiresAt() })));
    },

    chunk: async (bulk, chunk) => {
      const [rows, done] = await Promise.all([queryAll(bulk, `c#${pad(chunk)}#`), recorded(bulk, chunk)]);
      return { items: rows.map(itemOf), recorded: done };
    },

    recordChunk: async (bulk, chunk, outcomes) => {
      if (outcomes.length > MAX_CHUNK) throw new Error(`a chunk records at most ${MAX_CHUNK} outcomes in its transaction`);
      const rows = outcomes.map(({ eid, outcome }) => ({ Put: { TableName: table, Item: { pk: { S: bulk }, sk: { S: itemKey(chunk, eid) }, eid: { S: eid }, chunk: { N: String(chunk) }, ...outcomeAttributes(outcome), expiresAt: expiresAt() } } }));
      const n = (o: ItemOutcome['outcome']) => ({ N: String(outcomes.filter((x) => x.outcome.outcome === o).length) });
      // Skips are counted by their code too (`skip_<code>`): what fallback's alert counts.
      const skipCodes = new Map<string, number>();
      for (const { outcome } of outcomes) if (outcome.outcome === 'skipped') skipCodes.set(outcome.code, (skipCodes.get(outcome.code) ?? 0) + 1);
      const codes = [...skipCodes].map(([code, count], i) => ({ name: `#k${i}`, attribute: `skip_${code}`, value: `:k${i}`, count }));
      // Outcomes, mark and counts together: a run that loses to another records nothing; rows and counts always agree.
      const transaction = new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: { S: bulk }, sk: { S: markKey(chunk) }, expiresAt: expiresAt() }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...rows,
          {
            Update: {
              TableName: table,
              Key: { pk: { S: bulk }, sk: { S: COUNTS } },
              UpdateExpression: `ADD succeeded :s, failed :f, skipped :k${codes.map((c) => `, ${c.name} ${c.value}`).join('')} SET expiresAt = :e`,
              ...(codes.length > 0 && { ExpressionAttributeNames: Object.fromEntries(codes.map((c) => [c.name, c.attribute])) }),
              ExpressionAttributeValues: { ':s': n('succeeded'), ':f': n('failed'), ':k': n('skipped'), ':e': expiresAt(), ...Object.fromEntries(codes.map((c) => [c.value, { N: String(c.count) }])) },
            },
          },
        ],
      });
      for (let attempt = 1; ; attempt++) {
        try {
          await client.send(transaction);
          return true;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          // Another run of the chunk recorded it first.
          if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
          // Another chunk's transaction on the counts at the same moment: again, after a jittered pause.
          if (attempt >= 8 || !error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')) throw error;
          await new Promise((ok) => setTimeout(ok, Math.random() * 25 * 2 ** attempt));
        }
      }
    },

    recordedChunks: async (bulk) => new Set((await queryAll(bulk, 'm#')).map((row) => Number(row.sk!.S!.slice(2)))),

    counts: async (bulk) => {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: bulk }, sk: { S: COUNTS } }, ConsistentRead: true }));
      const n = (name: string) => Number(Item?.[name]?.N ?? 0);
      const skippedBy = Object.fromEntries(Object.entries(Item ?? {}).flatMap(([name, value]) => (name.startsWith('skip_') ? [[name.slice(5), Number(value.N)]] : [])));
      return { succeeded: n('succeeded'), failed: n('failed'), skipped: n('skipped'), skippedBy };
    },

    page: async (bulk, q) => {
      const conditions: string[] = [];
      const values: Item = {};
      if (q.outcome === 'pending') conditions.push('attribute_not_exists(outcome)');
      else if (q.outcome !== undefined) (conditions.push('outcome = :o'), (values[':o'] = { S: q.outcome }));
      if (q.code !== undefined) (conditions.push('code = :code'), (values[':code'] = { S: q.code }));
      const filter = conditions.length === 0 ? undefined : { FilterExpression: conditions.join(' AND '), values };
      const items: BulkItem[] = [];
      let start: Item | undefined = q.after === undefined ? undefined : { pk: { S: bulk }, sk: { S: q.after } };
      // Pages of the partition until the page is full (a filter may match few items), bounded.
      for (let pages = 0; items.length <= q.limit && pages < 10; pages++) {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: filter?.FilterExpression,
            ExpressionAttributeValues: { ':pk': { S: bulk }, ':prefix': { S: 'c#' }, ...filter?.values },
            ExclusiveStartKey: start,
            Limit: filter ? 500 : q.limit + 1 - items.length,
          }),
        );
        items.push(...(page.Items ?? []).map(itemOf));
        start = page.LastEvaluatedKey;
        if (!start) break;
      }
      if (items.length > q.limit) {
        items.length = q.limit;
        const last = items.at(-1)!;
        return { items, next: itemKey(last.chunk, last.eid) };
      }
      return { items, ...(start && { next: start.sk!.S! }) };
    },
  };
};
