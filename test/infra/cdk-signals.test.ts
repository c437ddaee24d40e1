import { describe, expect, it } from 'vitest';
import { ALL_HANDLERS, routeFunctionId } from '../../infra/cdk/handlers.ts';
import { SIGNAL_CONSUMER_ID, SIGNAL_FILES_ID } from '../../manifest/entry-points.ts';
import { functionPolicy, list, logicalId, resources, type Json } from './support/cdk.ts';
import { built, primary } from './support/synthesized.ts';

/** Network signals in AWS (infra/cdk/signals.ts): the queue, its consumer, the bucket and its notification, and who may do what with them. */
const PUSH = routeFunctionId({ method: 'POST', path: '/v1/signals/{mnoId}' });

describe('signals in the primary stack', () => {
  const stack = () => built.primary;
  const t = () => primary;
  const fnOf = (id: string) => t().toJSON().Resources[logicalId(stack(), stack().functions[id]!)] as Json;

  it('batches wait in an encrypted, TLS-only queue with a dead-letter queue, consumed ten at a time with partial batch responses; only the push route, the poll, the file reader and the consumer (what failed) send to it', () => {
    const [[queueId, queue]] = resources(t(), 'AWS::SQS::Queue').filter(([id]) => id.startsWith('Signals') && !id.includes('Dlq')) as [[string, Json]];
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 360, RedrivePolicy: { maxReceiveCount: 3 } });
    const mapping = resources(t(), 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties).find((m) => JSON.stringify(m.EventSourceArn).includes(`"${queueId}"`));
    expect(mapping).toMatchObject({ FunctionName: { Ref: logicalId(stack(), stack().functions[SIGNAL_CONSUMER_ID]!) }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const senders = ALL_HANDLERS.filter((h) => functionPolicy(stack(), t(), h.id).some((s: Json) => list<string>(s.Action).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(`"${queueId}"`))).map((h) => h.id);
    // (The consumer sends back the SIMs of a batch that failed.)
    expect(senders.sort()).toEqual([PUSH, 'SchedulePollSignals', SIGNAL_FILES_ID, SIGNAL_CONSUMER_ID].sort());
    expect(fnOf(PUSH).Properties.Environment.Variables.SIGNALS_QUEUE_URL).toEqual({ Ref: queueId });
  });

  it('the consumer may send back what failed (the queue, its URL) and read the month a requeued batch counted before', () => {
    const consumer = functionPolicy(stack(), t(), SIGNAL_CONSUMER_ID) as Json[];
    expect(fnOf(SIGNAL_CONSUMER_ID).Properties.Environment.Variables.SIGNALS_QUEUE_URL).toBeDefined();
    const signalsTable = logicalId(stack(), stack().regionalTables.signals!);
    expect(consumer.filter((s) => JSON.stringify(s.Resource).includes(`"${signalsTable}"`)).flatMap((s) => list<string>(s.Action)).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });

  it('a CDR file the reader failed on after Lambda’s retries is kept, with the error, in a dead-letter queue (with its alarm), never dropped', () => {
    const fnId = logicalId(stack(), stack().functions[SIGNAL_FILES_ID]!);
    const configs = resources(t(), 'AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(c.Properties.FunctionName).includes(`"${fnId}"`));
    expect(configs.map(([, c]) => JSON.stringify(c.Properties.DestinationConfig?.OnFailure))).toEqual([expect.stringContaining('SignalFilesDlq')]);
  });

  it('CDR files: a private, encrypted, TLS-only bucket whose objects expire in 7 days; a .csv created invokes the file reader, which may read objects and write reports, nothing else', () => {
    const [[, bucket]] = resources(t(), 'AWS::S3::Bucket').filter(([id]) => id.startsWith('SignalsBucket')) as [[string, Json]];
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })] },
    });
    const [[, notification]] = resources(t(), 'Custom::S3BucketNotifications') as [[string, Json]];
    expect(JSON.stringify(notification.Properties.NotificationConfiguration)).toContain('.csv');
    const s3 = functionPolicy(stack(), t(), SIGNAL_FILES_ID).filter((s: Json) => list<string>(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3.map((s: Json) => [s.Action, JSON.stringify(s.Resource).includes('/reports/*')])).toEqual([['s3:GetObject', false], ['s3:PutObject', true]]);
    for (const h of ALL_HANDLERS.filter((h) => h.id !== SIGNAL_FILES_ID))
      expect(functionPolicy(stack(), t(), h.id).filter((s: Json) => list<string>(s.Action).some((a) => a.startsWith('s3:'))), h.id).toEqual([]);
  });
});
