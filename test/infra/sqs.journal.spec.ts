import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../support/eventually.ts';
import type { SqsConsumer } from '../../infra/local/sqs/index.ts';
import { localSqs, QUEUE } from './support/local-sqs.ts';

const mode = (file: string) => statSync(file).mode & 0o777;
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const start = localSqs(20);
const failing: SqsConsumer = async () => {
  throw new Error('the signals table is unreachable');
};
const accept: SqsConsumer = async () => {};

describe('the local SQS queues: dead letters and the journal', () => {
  it('moves a message that fails its 3 receives to the dead-letter file (0600) with its record and last error, and stops delivering it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-'));
    const deadLetterFile = join(dir, 'signals-dead-letters.ndjson');
    const { client, queues, url, records, logged } = await start(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })),
    }), { deadLetterFile });
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'p', MessageBody: 'poison' }, { Id: 'g', MessageBody: 'good' }] }));
    await queues.idle();
    expect(records().map((r) => `${r.body}${r.attributes.ApproximateReceiveCount}`)).toEqual(['poison1', 'good1', 'poison2', 'poison3']);
    expect(mode(deadLetterFile)).toBe(0o600);
    const [letter, ...more] = lines(deadLetterFile);
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ queue: QUEUE, failedAt: expect.any(String), record: { body: 'poison', attributes: { ApproximateReceiveCount: '3' }, eventSource: 'aws:sqs' } });
    expect(logged.join('\n')).toContain('dead-lettered');
  });

  it('keeps dead letters in memory without a file, the consumer error included', async () => {
    const { client, queues, url } = await start(failing, { maxReceiveCount: 2 });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    await queues.idle();
    expect(queues.deadLetters(QUEUE)).toEqual([
      expect.objectContaining({ error: 'Error: the signals table is unreachable', record: expect.objectContaining({ body: 'poison', attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }) }) }),
    ]);
  });

  it('journals an accepted message (0600) before SendMessage answers; stopped undelivered, it is delivered by the next start on the journal, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-'));
    const journalFile = join(dir, 'queues', 'switchboard-signals.ndjson');
    const first = await start(failing, { journalFile, maxReceiveCount: 10, visibilityMs: 60_000 });
    const sent = await first.client.send(new SendMessageCommand({ QueueUrl: first.url, MessageBody: 'kept', MessageAttributes: { mno: { DataType: 'String', StringValue: 'mno-a' } } }));
    expect(lines(journalFile)[0]).toEqual({ sent: expect.objectContaining({ id: sent.MessageId, body: 'kept', receiveCount: 0 }) });
    expect(mode(journalFile)).toBe(0o600);
    expect(mode(join(dir, 'queues'))).toBe(0o700);
    await until(() => first.records().length === 1, 'the failed delivery');
    await first.stop();

    const second = await start(accept, { journalFile });
    await second.queues.idle();
    expect(second.records()).toEqual([
      expect.objectContaining({ messageId: sent.MessageId, body: 'kept', md5OfMessageAttributes: sent.MD5OfMessageAttributes, attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }) }),
    ]);
    expect(second.logged.join('\n')).toContain('1 message(s) accepted before the last stop');
    await second.stop();
    expect(mode(journalFile)).toBe(0o600);

    const third = await start(accept, { journalFile });
    await third.queues.idle();
    expect(third.records()).toEqual([]);
    expect(readFileSync(journalFile, 'utf8')).toBe(''); // compacted on start: nothing left to deliver
  });

  it('loses no accepted message to a process killed in the consumer: the journal as the kill left it is delivered again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-'));
    const journalFile = join(dir, 'signals.ndjson');
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const first = await start(() => held, { journalFile, visibilityMs: 60_000 });
    const out = await first.client.send(new SendMessageBatchCommand({ QueueUrl: first.url, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
    await until(() => first.records().length === 2, 'the delivery under way');
    // The file as a SIGKILL now would leave it, with the line being written when it struck cut short.
    const killed = join(dir, 'killed.ndjson');
    copyFileSync(journalFile, killed);
    appendFileSync(killed, '{"sent":{"id":"half-writ');

    const second = await start(accept, { journalFile: killed });
    await second.queues.idle();
    expect(second.records().map((r) => [r.messageId, r.body, r.attributes.ApproximateReceiveCount])).toEqual([
      [out.Successful![0]!.MessageId, 'a', '2'],
      [out.Successful![1]!.MessageId, 'b', '2'],
    ]);
    release();
  });

  it('counts receives across restarts: a message already received maxReceiveCount times is dead-lettered at start, not delivered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-'));
    const journalFile = join(dir, 'signals.ndjson');
    const deadLetterFile = join(dir, 'dead.ndjson');
    const first = await start(failing, { journalFile, maxReceiveCount: 2, visibilityMs: 60_000 });
    await first.client.send(new SendMessageCommand({ QueueUrl: first.url, MessageBody: 'crashes the consumer' }));
    await until(() => first.records().length === 1, 'the first receive');
    await first.stop();
    const killed = join(dir, 'killed.ndjson');
    copyFileSync(journalFile, killed);
    // A second receive that killed the process before it answered.
    const [{ sent }] = lines(killed) as [{ sent: { id: string } }];
    appendFileSync(killed, JSON.stringify({ received: sent.id, at: Date.now() }) + '\n');

    const second = await start(accept, { journalFile: killed, maxReceiveCount: 2, deadLetterFile });
    await second.queues.idle();
    expect(second.records()).toEqual([]);
    expect(lines(deadLetterFile)).toEqual([expect.objectContaining({ record: expect.objectContaining({ body: 'crashes the consumer', attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }) }) })]);
    expect(existsSync(killed) && readFileSync(killed, 'utf8').includes('"deleted"')).toBe(true);
  });

  it('rewrites the journal while running once it holds far more lines than messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-'));
    const journalFile = join(dir, 'signals.ndjson');
    const { client, queues, url, records } = await start(accept, { journalFile });
    for (let n = 0; n < 40; n += 1) {
      await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `${n}-${i}` })) }));
    }
    await queues.idle();
    expect(records()).toHaveLength(400);
    expect(lines(journalFile).length).toBeLessThan(1000);
    expect(mode(journalFile)).toBe(0o600);
  });

  it('stop waits for the batch in flight and refuses what is sent meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const { client, queues, url, records } = await start(() => held);
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
    await until(() => records().length === 1, 'the delivery');
    let stopped = false;
    const stopping = queues.stop().then(() => (stopped = true));
    const refused = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'too late' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(records()).toHaveLength(1);
  });
});
