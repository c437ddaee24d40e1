import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionsDecider } from '../../domain/subscription/decider.ts';
import { executeCommand } from '../../application/command.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { deadLettersOf } from '../../application/webhooks/dead-letters.ts';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { AWS_RETRY_DELAYS_MS, type WebhookRetry } from '../../application/webhooks/retry-scheduler.ts';
import { fileWebhookSecrets } from '../../adapters/webhooks/secrets.ts';
import { newSigningSecret } from '../../adapters/webhooks/signature.ts';
import { subscriptionsStream } from '../../application/webhooks/streams.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import { createTable } from '../../adapters/dynamodb/create-table.ts';
import { TABLES } from '../../manifest/tables.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhooks/receiver.ts';
import { startAwsJsonEndpoint } from '../support/aws-json-endpoint.ts';
import { freshTables } from '../support/tables.ts';

/**
 * The webhook functions as Lambda runs them (deliver-handler, retry-handler): DynamoDB Local for
 * the event store and the dead-letter table, a real receiver, and an SQS stand-in on loopback that
 * records what the real SQS client sends.
 */
let sqs: Awaited<ReturnType<typeof startAwsJsonEndpoint>>;
let store: DynamoDbEventStore;
let secretsDir: string;
let handlers: { deliver: typeof import('../../functions/webhooks/deliver.ts').handler; retry: typeof import('../../functions/webhooks/retry.ts').handler };
const receivers: WebhookReceiver[] = [];
let QUEUE_URL: string;

beforeAll(async () => {
  const tables = await freshTables();
  const deadLetters = `switchboard-webhook-dead-letters-${randomUUID().slice(0, 8)}`;
  await createTable(tables.client, TABLES.webhookDeadLetters, deadLetters);
  // Its own deliveries table: the handlers record each delivery made (without it, this file passed only after another had made the default one).
  const deliveries = `switchboard-webhook-deliveries-${randomUUID().slice(0, 8)}`;
  await createTable(tables.client, TABLES.webhookDeliveries, deliveries);
  store = new DynamoDbEventStore(tables.client, tables.events);
  secretsDir = mkdtempSync(join(tmpdir(), 'webhook-secrets-'));
  sqs = await startAwsJsonEndpoint(({ operation, input }) =>
    operation === 'SendMessage'
      ? { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex') }
      : { error: 'UnsupportedOperation' },
  );
  // The SQS client sends to the queue's own URL, as a local queue's URL would point at its endpoint.
  QUEUE_URL = `${sqs.url}/000000000000/switchboard-webhook-retries`;
  Object.assign(process.env, {
    EVENTS_TABLE: tables.events,
    WEBHOOK_DEAD_LETTERS_TABLE: deadLetters,
    WEBHOOK_DELIVERIES_TABLE: deliveries,
    WEBHOOK_SECRETS_DIR: secretsDir,
    SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: 'loopback',
    WEBHOOK_RETRY_QUEUE_URL: QUEUE_URL,
    AWS_ENDPOINT_URL_SQS: sqs.url,
  });
  handlers = {
    deliver: (await import('../../functions/webhooks/deliver.ts')).handler,
    retry: (await import('../../functions/webhooks/retry.ts')).handler,
  };
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await sqs.close();
});
beforeEach(() => {
  sqs.calls.length = 0;
});

const subscribe = async (respond: (n: number) => number) => {
  const tenant = `t-${randomUUID().slice(0, 8)}`;
  const r = await startWebhookReceiver({ respond });
  receivers.push(r);
  const id = randomUUID();
  const secret = newSigningSecret();
  await fileWebhookSecrets(secretsDir).put(tenant, id, secret);
  r.useSecret(secret);
  await executeCommand(store, subscriptionsDecider, subscriptionsStream(tenant), { type: 'CreateSubscription', subscription: { id, url: r.url, eventTypes: ['*'] } }, { actor: 'test', correlationId: 'c', region: 'local' });
  return { tenant, id, receiver: r };
};

const event = (tenant: string): WebhookEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'SimActivated',
  source: 'switchboard',
  account: '000000000000',
  time: '2026-11-25T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { tenant, streamId: `T#${tenant}#SIM#1`, version: 1, eventId: randomUUID(), schemaVersion: 1, data: {}, metadata: { actor: 'alice', commandId: 'cmd-1', correlationId: 'corr', region: 'eu-west-1', time: '2026-11-25T10:00:00.000Z' } },
});

const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body) => ({
    messageId: randomUUID(),
    receiptHandle: 'r',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:switchboard-webhook-retries',
    awsRegion: 'eu-west-1',
  })),
});

const queued = () =>
  sqs.calls
    .filter((c) => c.operation === 'SendMessage')
    .map((c): Record<string, any> & { retry: WebhookRetry } => ({ ...c.input, retry: JSON.parse(c.input.MessageBody) as WebhookRetry }));

describe('webhook delivery in Lambda', () => {
  it('a failed first attempt is queued on SQS for the first retry, which delivers it signed when it comes back due', async () => {
    const { tenant, receiver } = await subscribe((n) => (n === 1 ? 503 : 200));
    const e = event(tenant);
    await handlers.deliver(e, lambdaContext('deliver', 'd1'));
    const [message, ...more] = queued();
    expect(more).toEqual([]);
    expect(message!.QueueUrl).toBe(QUEUE_URL);
    expect(message!.DelaySeconds).toBeGreaterThanOrEqual(AWS_RETRY_DELAYS_MS[0]! / 1000);
    expect(message!.retry).toMatchObject({ tenant, attempt: 2, event: e });
    expect(message!.MessageBody).not.toContain('whsec_');

    const due = { ...message!.retry, dueAt: new Date().toISOString() };
    const result = await handlers.retry(sqsEvent(JSON.stringify(due)), lambdaContext('retry', 'r1'));
    expect(result.batchItemFailures).toEqual([]);
    expect(receiver.deliveries.map((d) => [d.status, d.valid])).toEqual([
      [503, true],
      [200, true],
    ]);
  });

  it('a retry due beyond SQS’s 15 minutes goes back on the queue for at most 15 minutes, unchanged', async () => {
    const { tenant, id, receiver } = await subscribe(() => 200);
    const retry: WebhookRetry = { tenant, subscriptionId: id, eventId: randomUUID(), attempt: 4, dueAt: new Date(Date.now() + 7_200_000).toISOString(), event: event(tenant) };
    const result = await handlers.retry(sqsEvent(JSON.stringify(retry)), lambdaContext('retry', 'r2'));
    expect(result.batchItemFailures).toEqual([]);
    expect(queued().map((m) => [m.DelaySeconds, m.retry])).toEqual([[900, retry]]);
    expect(receiver.deliveries).toEqual([]);
  });

  it('after the last retry fails the delivery is parked on the subscription; a message that is not a retry fails alone', async () => {
    const { tenant, id } = await subscribe(() => 500);
    const e = event(tenant);
    const eventId = (e.detail as { eventId: string }).eventId;
    const last: WebhookRetry = { tenant, subscriptionId: id, eventId, attempt: AWS_RETRY_DELAYS_MS.length + 1, dueAt: new Date().toISOString(), event: e };
    const batch = sqsEvent(JSON.stringify(last), '{"not":"a retry"}');
    const result = await handlers.retry(batch, lambdaContext('retry', 'r3'));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]!.messageId }]);
    expect(queued()).toEqual([]);
    const parked = await deadLettersOf({ store }, tenant, id);
    expect(parked).toMatchObject([{ eventId, attempts: AWS_RETRY_DELAYS_MS.length + 1, lastError: 'http-500' }]);
  });

  it('when the retry cannot be queued, the first attempt fails so that Lambda retries the event', async () => {
    const { tenant } = await subscribe(() => 500);
    await sqs.close();
    await expect(handlers.deliver(event(tenant), lambdaContext('deliver', 'd2'))).rejects.toThrow();
  });
});
