import { randomBytes, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SqsError } from './errors.ts';
import { deadLetters, type DeadLetter } from './dead-letters.ts';
import { openQueueJournal, type QueueJournal } from './journal.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, md5Hex, md5OfMessageAttributes, type NewMessage, type StoredMessage } from './message.ts';

/**
 * A standard queue and the Lambda event source mapping that consumes it (with
 * ReportBatchItemFailures): what arrives is handed to the consumer at once, in batches of what has
 * accumulated (up to `batchSize`), `concurrency` batches at a time. A message the consumer lists
 * in `batchItemFailures` (or every one of a batch it throws on, times out on, or answers invalidly
 * for, as Lambda judges it) becomes visible again after `visibilityMs`; the others are deleted. A
 * message received `maxReceiveCount` times and still failing goes to the dead letters. Delivery is
 * at least once, as in AWS; with a journal, across restarts too.
 */
export type SqsConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface QueueOptions {
  name: string;
  consumer: SqsConsumer;
  /** Most records in one event (Lambda's BatchSize); default 10. */
  batchSize?: number;
  /** Batches in flight at once (the mapping's maximum concurrency); default 1. */
  concurrency?: number;
  /** How long a failed message stays invisible before its next delivery (the visibility timeout); default 1 s. */
  visibilityMs?: number;
  /** Receives before a failing message is dead-lettered (the redrive policy); default 3. */
  maxReceiveCount?: number;
  /** A consumer that has not settled after this long failed its batch (the function's timeout); default 60 s. */
  timeoutMs?: number;
  /** The queue's MaximumMessageSize in bytes; default 256 KiB. */
  maxMessageBytes?: number;
  /** Keeps accepted messages across restarts (ndjson, mode 0600); without it, memory only. */
  journalFile?: string;
  /** Where dead-lettered messages go (ndjson, mode 0600); without it, kept in memory. */
  deadLetterFile?: string;
}

export const ACCOUNT_ID = '000000000000';
const SENDER_ID = 'AIDALOCALSWITCHBOARD';

export const createQueue = (options: QueueOptions, context: { region: string; log: (message: string) => void }) => {
  const { name, consumer } = options;
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 1;
  const visibilityMs = options.visibilityMs ?? 1000;
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const arn = `arn:aws:sqs:${context.region}:${ACCOUNT_ID}:${name}`;
  const log = (message: string) => context.log(`${name}: ${message}`);
  const letters = deadLetters(options.deadLetterFile);
  const journal: QueueJournal | undefined = options.journalFile ? openQueueJournal(options.journalFile) : undefined;

  const messages = new Map<string, StoredMessage>(); // accepted, not deleted
  const lastErrors = new Map<string, string>();
  const ready: string[] = []; // visible now, oldest first
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopping = false;
  let pumpSoon = false;
  let idleWaiters: (() => void)[] = [];

  const isIdle = () => running.size === 0 && (messages.size === 0 || stopping);
  const checkIdle = () => {
    if (!isIdle() || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Makes messages visible (ready to deliver) at `at`: together, so a batch failed together is delivered again together. */
  const visibleAt = (batch: readonly StoredMessage[], at: number) => {
    if (stopping || batch.length === 0) return;
    const wait = at - Date.now();
    if (wait <= 0) {
      ready.push(...batch.map((m) => m.id));
      return schedulePump();
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready.push(...batch.map((m) => m.id));
      pump();
    }, wait);
    timers.add(timer);
  };

  // Deferred to the end of the turn, so messages arriving together (a batch, concurrent sends) go in one event.
  const schedulePump = () => {
    if (pumpSoon) return;
    pumpSoon = true;
    setImmediate(() => {
      pumpSoon = false;
      pump();
    });
  };

  const remove = (message: StoredMessage) => {
    messages.delete(message.id);
    lastErrors.delete(message.id);
    journal?.deleted(message.id, () => [...messages.values()]);
  };

  const record = (message: StoredMessage): SQSRecord => ({
    messageId: message.id,
    receiptHandle: randomBytes(48).toString('base64'),
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: SENDER_ID,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
      ...(message.traceHeader ? { AWSTraceHeader: message.traceHeader } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.messageAttributes).map(([key, value]) => [
        key,
        {
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : { binaryValue: value.BinaryValue }),
          stringListValues: [],
          binaryListValues: [],
          dataType: value.DataType,
        },
      ]),
    ),
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: context.region,
  });

  const deadLetter = (message: StoredMessage) => {
    const error = lastErrors.get(message.id);
    const letter: DeadLetter = { failedAt: new Date().toISOString(), queue: name, ...(error ? { error } : {}), record: record(message) };
    try {
      letters.add(letter);
    } catch (e) {
      log(`message ${message.id} could not be dead-lettered (${(e as Error).message}): kept, tried again in ${visibilityMs} ms`);
      return visibleAt([message], Date.now() + visibilityMs);
    }
    remove(message);
    log(`message ${message.id} failed ${message.receiveCount} deliveries: dead-lettered${options.deadLetterFile ? ` in ${options.deadLetterFile}` : ''}`);
  };

  /** The message ids a consumer's answer fails, as Lambda reads a partial batch response; undefined when it is malformed (all fail). */
  const failuresIn = (answer: unknown, batch: readonly StoredMessage[]): Set<string> | undefined => {
    if (answer === undefined || answer === null) return new Set();
    if (typeof answer !== 'object') return undefined;
    const items = (answer as { batchItemFailures?: unknown }).batchItemFailures;
    if (items === undefined || items === null) return new Set();
    if (!Array.isArray(items)) return undefined;
    const ids = new Set(batch.map((m) => m.id));
    const failed = new Set<string>();
    for (const item of items) {
      const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !ids.has(id)) return undefined;
      failed.add(id);
    }
    return failed;
  };

  const deliver = async (batch: StoredMessage[]) => {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      journal?.received(message.id, now);
    }
    let failed: Set<string>;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the consumer did not settle within ${timeoutMs} ms`)), timeoutMs);
      });
      const answer = await Promise.race([Promise.resolve().then(() => consumer({ Records: batch.map(record) })), timeout]);
      const listed = failuresIn(answer, batch);
      if (!listed) log(`the consumer answered a batch of ${batch.length} with an invalid partial batch response: the whole batch failed`);
      failed = listed ?? new Set(batch.map((m) => m.id));
    } catch (error) {
      failed = new Set(batch.map((m) => m.id));
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const message of batch) lastErrors.set(message.id, text);
      log(`the consumer failed a batch of ${batch.length} (${text})`);
    } finally {
      clearTimeout(timer);
    }
    const again: StoredMessage[] = [];
    for (const message of batch) {
      if (!failed.has(message.id)) remove(message);
      else if (message.receiveCount >= maxReceiveCount) deadLetter(message);
      else again.push(message);
    }
    visibleAt(again, Date.now() + visibilityMs);
  };

  const pump = () => {
    while (!stopping && running.size < concurrency && ready.length > 0) {
      const batch: StoredMessage[] = [];
      while (batch.length < batchSize && ready.length > 0) {
        const message = messages.get(ready.shift()!);
        if (!message) continue;
        // Received as often as the redrive policy allows (counted before a restart): moved, as SQS does on the next receive.
        if (message.receiveCount >= maxReceiveCount) deadLetter(message);
        else batch.push(message);
      }
      if (batch.length === 0) break;
      const delivery: Promise<void> = deliver(batch)
        .catch((error: Error) => {
          // The journal could not be written: what is still held is tried again later.
          log(`a delivery could not be recorded (${error.message}): trying again in ${visibilityMs} ms`);
          visibleAt(batch.filter((m) => messages.has(m.id)), Date.now() + visibilityMs);
        })
        .finally(() => {
          running.delete(delivery);
          pump();
        });
      running.add(delivery);
    }
    checkIdle();
  };

  for (const message of journal?.messages ?? []) messages.set(message.id, message);

  return {
    name,
    arn,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    /** Starts delivering what the journal held. */
    start() {
      if (messages.size > 0) log(`${messages.size} message(s) accepted before the last stop and not deleted: delivering them again`);
      for (const message of messages.values()) visibleAt([message], message.delayUntil);
    },
    /** Takes a checked message: journalled (when journalling) before this returns, delivered as soon as it is visible. */
    accept(input: NewMessage): StoredMessage {
      if (stopping) throw new SqsError('ServiceUnavailable', 'ServiceUnavailable', `the local queue ${name} is stopping and takes no more messages`);
      const now = Date.now();
      const md5OfAttributes = md5OfMessageAttributes(input.messageAttributes);
      const message: StoredMessage = {
        id: randomUUID(),
        body: input.body,
        messageAttributes: input.messageAttributes,
        md5OfBody: md5Hex(input.body),
        ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
        ...(input.traceHeader ? { traceHeader: input.traceHeader } : {}),
        sentTimestamp: now,
        delayUntil: now + input.delaySeconds * 1000,
        receiveCount: 0,
      };
      journal?.sent(message);
      messages.set(message.id, message);
      visibleAt([message], message.delayUntil);
      return message;
    },
    isIdle,
    /** Resolves when no message is held (queued, delayed, awaiting redelivery) and no batch is in flight. */
    idle: (): Promise<void> => (isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    /** Stops accepting and delivering, waits for the batches in flight, and closes the journal (what is left stays in it). */
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      ready.length = 0;
      await Promise.allSettled([...running]);
      journal?.close();
      checkIdle();
    },
    /** The dead letters kept in memory (when there is no dead-letter file). */
    deadLetters: () => letters.list(),
  };
};

export type LocalQueue = ReturnType<typeof createQueue>;
