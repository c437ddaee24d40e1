import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { GetQueueUrlCommand, QueueDoesNotExist, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '../../infra/local/sqs/message.ts';
import { until } from '../support/eventually.ts';
import { localSqs, QUEUE } from './support/local-sqs.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const start = localSqs(50);
const accept = async () => {};

describe('the local SQS endpoint (@aws-sdk/client-sqs, AWS JSON 1.0)', () => {
  it('answers GetQueueUrl with <endpoint>/000000000000/<name>, and QueueDoesNotExist (Code AWS.SimpleQueueService.NonExistentQueue) for another name', async () => {
    const { client, queues, url } = await start(accept);
    expect(url).toBe(`${queues.endpoint}/000000000000/${QUEUE}`);
    expect(queues.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await client.send(new GetQueueUrlCommand({ QueueName: QUEUE }))).QueueUrl).toBe(url);
    const missing = await client.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    expect(missing).toMatchObject({ name: 'QueueDoesNotExist', Code: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
    const sent = await client.send(new SendMessageCommand({ QueueUrl: `${queues.endpoint}/000000000000/nope`, MessageBody: 'x' })).catch((e: unknown) => e);
    expect(sent).toBeInstanceOf(QueueDoesNotExist);
  });

  it('delivers a message at once as Lambda gives it: one record with its attributes, digests and ARN (the SDK checked the MD5s)', async () => {
    const { client, queues, url, records } = await start(accept);
    const before = Date.now();
    const out = await client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"type":"session","iccid":"8988247000000000001"}',
        MessageAttributes: { ordinal: { DataType: 'Number', StringValue: '1' }, category: { DataType: 'String', StringValue: 'test' } },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } },
      }),
    );
    expect(out.MD5OfMessageBody).toBe(md5('{"type":"session","iccid":"8988247000000000001"}'));
    expect(out.MD5OfMessageAttributes).toBe('d21ae90c49061e927f57df5f5d72be1f');
    await queues.idle();
    const [record] = records() as [SQSRecord];
    expect(records()).toHaveLength(1);
    expect(SqsSchema.safeParse({ Records: records() }).success).toBe(true);
    expect(record).toEqual({
      messageId: out.MessageId,
      receiptHandle: expect.any(String),
      body: '{"type":"session","iccid":"8988247000000000001"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      },
      messageAttributes: {
        ordinal: { stringValue: '1', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        category: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: out.MD5OfMessageBody,
      md5OfMessageAttributes: out.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${QUEUE}`,
      awsRegion: 'local',
    });
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThanOrEqual(before);
  });

  it('computes MD5OfMessageAttributes by SQS algorithm (binary values included)', () => {
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
    expect(md5OfMessageAttributes({})).toBeUndefined();
    const binary = md5OfMessageAttributes({ blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2]).toString('base64') } });
    const expected = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('blob'), Buffer.from([0, 0, 0, 6]), Buffer.from('Binary'), Buffer.from([2]), Buffer.from([0, 0, 0, 3, 0, 1, 2])]);
    expect(binary).toBe(createHash('md5').update(expected).digest('hex'));
  });

  it('is reached through AWS_ENDPOINT_URL_SQS, as handlers reach it', async () => {
    const { queues, url, records } = await start(accept);
    process.env.AWS_ENDPOINT_URL_SQS = queues.endpoint;
    const client = new SQSClient({ maxAttempts: 1 });
    try {
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'via the environment' }));
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SQS;
      client.destroy();
    }
    await queues.idle();
    expect(records().map((r) => r.body)).toEqual(['via the environment']);
  });

  it('takes a batch of 10 and hands it to the consumer as one event; 11 entries are refused', async () => {
    const { client, queues, url, events } = await start(accept);
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `record ${i}` }));
    const out = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    expect(out.Failed).toEqual([]);
    expect(out.Successful!.map((s) => [s.Id, s.MD5OfMessageBody])).toEqual(entries.map((e) => [e.Id, md5(e.MessageBody)]));
    await queues.idle();
    expect(events).toHaveLength(1);
    expect(events[0]!.Records.map((r) => r.body)).toEqual(entries.map((e) => e.MessageBody));
    expect(events[0]!.Records.map((r) => r.messageId)).toEqual(out.Successful!.map((s) => s.MessageId));
    const tooMany = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [...entries, { Id: 'e10', MessageBody: 'x' }] })).catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ name: 'TooManyEntriesInBatchRequest', Code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' });
    const twice = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [entries[0]!, entries[0]!] })).catch((e: unknown) => e);
    expect(twice).toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
  });

  it('batches what accumulated while a batch was in flight, up to batchSize', async () => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const { client, queues, url, events } = await start(async (event) => (event.Records[0]!.body === 'first' ? held : undefined), { batchSize: 3 });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'first' }));
    await until(() => events.length === 1, 'the first delivery');
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) }));
    release();
    await queues.idle();
    expect(events.map((e) => e.Records.map((r) => r.body))).toEqual([['first'], ['m0', 'm1', 'm2'], ['m3', 'm4']]);
  });

  it('fails an entry too large for the queue in Failed and takes the others; a batch over 256 KiB in all is refused', async () => {
    const { client, queues, url, records } = await start(accept, { maxMessageBytes: 1024 });
    const out = await client.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'small', MessageBody: 'ok' }, { Id: 'big', MessageBody: 'x'.repeat(2000) }, { Id: 'bad', MessageBody: 'nul \u0000' }] }),
    );
    expect(out.Successful!.map((s) => s.Id)).toEqual(['small']);
    expect(out.Failed).toEqual([
      { Id: 'big', SenderFault: true, Code: 'InvalidParameterValue', Message: expect.stringContaining('shorter than 1024 bytes') },
      { Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
    ]);
    const single = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(2000) })).catch((e: unknown) => e);
    expect(single).toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    const long = await client
      .send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'a'.repeat(200_000) }, { Id: 'b', MessageBody: 'b'.repeat(200_000) }] }))
      .catch((e: unknown) => e);
    expect(long).toMatchObject({ name: 'BatchRequestTooLong', Code: 'AWS.SimpleQueueService.BatchRequestTooLong' });
    await queues.idle();
    expect(records().map((r) => r.body)).toEqual(['ok']);
  });

  it('redelivers only the items a Powertools partial batch response fails, after the visibility delay, with ApproximateReceiveCount 2', async () => {
    const processor = new BatchProcessor(EventType.SQS);
    const seen = new Set<string>();
    const { client, queues, url, events } = await start((event) =>
      processPartialResponse(
        event,
        async (record: SQSRecord) => {
          if (record.body === 'flaky' && !seen.has(record.messageId)) {
            seen.add(record.messageId);
            throw new Error('MNO record not yet resolvable');
          }
        },
        processor,
      ),
    );
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'flaky', 'b'].map((body) => ({ Id: body, MessageBody: body })) }));
    await queues.idle();
    expect(events.map((e) => e.Records.map((r) => r.body))).toEqual([['a', 'flaky', 'b'], ['flaky']]);
    const [first, again] = [events[0]!.Records[1]!, events[1]!.Records[0]!];
    expect(again.messageId).toBe(first.messageId);
    expect(again.attributes.ApproximateReceiveCount).toBe('2');
    expect(again.attributes.ApproximateFirstReceiveTimestamp).toBe(first.attributes.ApproximateFirstReceiveTimestamp);
    expect(again.receiptHandle).not.toBe(first.receiptHandle);
    expect(Number(again.attributes.ApproximateFirstReceiveTimestamp) + 50).toBeLessThanOrEqual(Date.now());
  });

  it('redelivers the whole batch when the consumer throws, or answers an itemIdentifier not in the batch', async () => {
    let calls = 0;
    const { client, queues, url, events } = await start(async (event) => {
      calls += 1;
      if (calls === 1) throw new Error('cold start failed');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] };
      return { batchItemFailures: [] };
    });
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
    await queues.idle();
    expect(events.map((e) => e.Records.map((r) => `${r.body}${r.attributes.ApproximateReceiveCount}`))).toEqual([
      ['a1', 'b1'],
      ['a2', 'b2'],
      ['a3', 'b3'],
    ]);
  });

  it('fails a batch the consumer has not settled within timeoutMs, and delivers it again', async () => {
    let calls = 0;
    const { client, queues, url, records, logged } = await start(async () => {
      if (++calls === 1) await new Promise((ok) => setTimeout(ok, 1000));
    }, { timeoutMs: 50 });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow' }));
    await queues.idle();
    expect(records().map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(logged.join('\n')).toContain('did not settle within 50 ms');
  });

  it('honours DelaySeconds', async () => {
    const { client, queues, url, records } = await start(accept);
    const sent = Date.now();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    await queues.idle();
    expect(Number(records()[0]!.attributes.ApproximateFirstReceiveTimestamp) - sent).toBeGreaterThanOrEqual(950);
  });
});
