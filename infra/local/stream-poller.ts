import { appendFileSync, readFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { replaceFile } from './replace-file.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/**
 * What Lambda's event source mapping does for a DynamoDB stream, on DynamoDB Local: read every
 * shard in order, hand batches to the handlers, and on reported item failures retry from the
 * first failed record, three times; then that record is set aside and the rest of the batch goes on
 * (as a mapping that bisects failing batches isolates the record). What it sets aside is kept in
 * `deadLetterFile` (mode 0600, one JSON line per record, the whole record: what AWS sends to the
 * mapping's dead-letter queue is only its position), never just dropped.
 * Positions are kept in `checkpointFile`, so a restart does not replay what was handled.
 */
export const startStreamPoller = async (options: {
  dynamodb: DynamoDBClient;
  endpoint: string;
  tableName: string;
  handlers: StreamHandler[];
  checkpointFile?: string | undefined;
  /** Where records the handlers failed three times go; without one, they are only reported. */
  deadLetterFile?: string | undefined;
  intervalMs?: number;
}) => {
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: 'local', credentials: await options.dynamodb.config.credentials() });
  const table = await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  let checkpoints: Record<string, string> = {};
  try {
    if (options.checkpointFile) checkpoints = JSON.parse(readFileSync(options.checkpointFile, 'utf8'));
  } catch {
    checkpoints = {};
  }
  const iterators = new Map<string, string | undefined>();
  let stopped = false;
  let polls = 0;
  /** Resolves the first time a poll finds nothing new: what the stream held at start-up has been handled. */
  let drained!: () => void;
  const caughtUp = new Promise<void>((ok) => (drained = ok));
  /** While discarding, records are read and dropped (positions advance): what a benchmark of the command path wants. */
  let discarding = false;

  /** An iterator for a shard from where its checkpoint says (or its oldest record). */
  const iteratorFor = async (shardId: string) => {
    const after = checkpoints[shardId];
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON', SequenceNumber: after }),
    );
    return ShardIterator;
  };

  const discoverShards = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) if (!iterators.has(shard.ShardId!)) iterators.set(shard.ShardId!, await iteratorFor(shard.ShardId!));
  };

  const deliver = async (records: DynamoDBRecord[]) => {
    for (const handler of options.handlers) {
      let batch = records;
      // Attempts per record: a record is set aside only after it failed three times itself.
      const failedTimes = new Map<string, number>();
      while (batch.length > 0) {
        // Stopping: what is not handled yet stays unhandled (not checkpointed), for the next start.
        if (stopped) throw new Error('stopping');
        let failures: { itemIdentifier: string }[];
        let thrown = false;
        try {
          failures = (await handler({ Records: batch }))?.batchItemFailures ?? [];
        } catch (error) {
          // The whole invocation failed (a dependency down, say): blamed on no record in particular.
          if (!failedTimes.size) console.error(`stream poller: handler failed: ${(error as Error).message}`);
          thrown = true;
          failures = [{ itemIdentifier: batch[0]!.dynamodb!.SequenceNumber! }];
        }
        if (failures.length === 0) break;
        const first = batch.findIndex((r) => r.dynamodb?.SequenceNumber === failures[0]!.itemIdentifier);
        batch = batch.slice(Math.max(first, 0));
        const sequence = batch[0]!.dynamodb!.SequenceNumber!;
        const times = (failedTimes.get(sequence) ?? 0) + 1;
        failedTimes.set(sequence, times);
        // A record the handler reports three times is set aside (as a bisecting mapping isolates it); a
        // handler that keeps throwing is given longer (about half a minute) before its first record is.
        if (times >= (thrown ? 8 : 3)) {
          const [failed, ...rest] = batch;
          if (options.deadLetterFile) appendFileSync(options.deadLetterFile, JSON.stringify({ failedAt: new Date().toISOString(), record: failed }) + '\n', { mode: 0o600 });
          console.error(`stream poller: gave up on record ${sequence} after ${times} attempts${options.deadLetterFile ? `; kept in ${options.deadLetterFile}` : ''}`);
          batch = rest;
          continue;
        }
        await new Promise((ok) => setTimeout(ok, Math.min(200 * 2 ** (times - 1), 8_000)));
      }
    }
  };

  /** One shard's next page: handled, then its position kept. Returns how many records it had. */
  const pollShard = async (shardId: string, iterator: string) => {
    let page;
    try {
      page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
    } catch (error) {
      // An iterator that expired (15 min) or points before what the stream still holds (DynamoDB
      // Local says so of an idle shard's too): a fresh one from the checkpoint; nothing else stops.
      if ((error as Error).name !== 'ExpiredIteratorException' && (error as Error).name !== 'TrimmedDataAccessException') throw error;
      iterators.set(shardId, await iteratorFor(shardId));
      return 0;
    }
    iterators.set(shardId, page.NextShardIterator);
    const records = (page.Records ?? []).map((r) => ({ ...r, eventSourceARN: streamArn }) as unknown as DynamoDBRecord);
    if (records.length === 0) return 0;
    if (!discarding) await deliver(records);
    checkpoints[shardId] = records.at(-1)!.dynamodb!.SequenceNumber!;
    // Off the event loop (the next poll of this shard waits for it): the handlers, the engine and the simulators share this process.
    // A new file renamed into place: a process killed mid-write leaves the last whole checkpoint, not a torn one (read as none: every record again).
    if (options.checkpointFile) await replaceFile(options.checkpointFile, JSON.stringify(checkpoints));
    return records.length;
  };

  const pollOnce = async () => {
    if (polls++ % 50 === 0) await discoverShards();
    let handled = 0;
    for (const [shardId, iterator] of iterators) if (iterator) handled += await pollShard(shardId, iterator);
    if (handled === 0) drained();
  };

  const loop = (async () => {
    while (!stopped) {
      await pollOnce().catch((error: Error) => !stopped && console.error(`stream poller: ${error.message}`));
      await new Promise((ok) => setTimeout(ok, options.intervalMs ?? 100));
    }
  })();

  return {
    /** Drops records instead of handling them until `resume` (a disabled event source mapping that also skips). */
    /** Resolves once what the stream held when the poller started has been handled (or is being stopped). */
    caughtUp: () => caughtUp,
    discard: () => void (discarding = true),
    resume: () => void (discarding = false),
    stop: async () => {
      stopped = true;
      drained();
      await loop;
      streams.destroy();
    },
  };
};
