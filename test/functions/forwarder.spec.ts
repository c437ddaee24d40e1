import type { AddressInfo } from 'node:net';
import type { StreamRecord as DynamoDBRecord } from '../../adapters/event-store/stream-records.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '../../infra/local/event-bus/bus.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import type { BusEvent } from '../../infra/local/event-bus/put-events.ts';
import { MemoryLeaseStore } from '../../adapters/lease/memory-lease.ts';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';

let bus: EventBus;
const received: BusEvent[] = [];
const lease = new MemoryLeaseStore();
let forward: typeof import('../../functions/streams/forwarder.ts').handler;

/** A stream record as DynamoDB writes it for an event-store commit. */
const record = (seq: number, streamId: string, events: { type: string; data?: unknown }[], region = 'local'): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: String(seq).padStart(10, '0'),
    NewImage: {
      pk: { S: streamId },
      v: { N: '1' },
      events: { S: JSON.stringify(events.map((e, i) => ({ id: `${streamId}-${seq}-${i}`, type: e.type, version: i + 1, schemaVersion: 1, data: e.data ?? {} }))) },
      meta: { S: JSON.stringify({ actor: 'alice', commandId: 'c', correlationId: 'r', region, time: '2026-11-24T10:00:00.000Z' }) },
    },
  },
});

beforeAll(async () => {
  bus = createEventBus({
    rules: [{ name: 'all', description: '', eventPattern: { source: ['switchboard'] }, target: { kind: 'webhooks' } }],
    targets: { 'state-machine': async () => undefined, function: async () => undefined, webhooks: async (e) => void received.push(e), archive: async () => undefined, 'log-group': async () => undefined },
  });
  await new Promise<void>((ok) => bus.server.listen(0, '127.0.0.1', ok));
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = `http://127.0.0.1:${(bus.server.address() as AddressInfo).port}`;
  const { useAdapters } = await import('../../functions/lambda/wiring.ts');
  useAdapters({ leaseStore: lease, eventStore: new MemoryEventStore() });
  forward = (await import('../../functions/streams/forwarder.ts')).handler;
});
afterAll(() => new Promise((ok) => bus.server.close(ok)));

const publishedFor = async (records: DynamoDBRecord[]) => {
  received.length = 0;
  const response = await forward({ Records: records }, lambdaContext('forwarder', 'test'));
  await bus.idle();
  return { response, events: [...received] };
};

describe('the forwarder (DynamoDB stream → EventBridge)', () => {
  it('publishes one event per domain event, with the envelope integrations rely on', async () => {
    const { response, events } = await publishedFor([record(1, 'T#acme#SIM#123', [{ type: 'SimActivated', data: { reason: 'x' } }, { type: 'SimSuspended' }])]);
    expect(response.batchItemFailures).toEqual([]);
    expect(events.map((e) => e['detail-type'])).toEqual(['SimActivated', 'SimSuspended']);
    expect(events[0]).toMatchObject({ source: 'switchboard', time: '2026-11-24T10:00:00Z' });
    expect(events[0]!.detail).toMatchObject({ tenant: 'acme', streamId: 'T#acme#SIM#123', version: 1, eventId: 'T#acme#SIM#123-1-0', data: { reason: 'x' }, metadata: { actor: 'alice' } });
  });

  it('batches across records within PutEvents limits (25 events → 3 calls), in order', async () => {
    const records = Array.from({ length: 25 }, (_, i) => record(100 + i, `T#acme#SIM#${i}`, [{ type: 'SimActivated' }]));
    const { events } = await publishedFor(records);
    expect(events.map((e) => (e.detail as { streamId: string }).streamId)).toEqual(records.map((r) => (r.dynamodb.NewImage as { pk: { S: string } }).pk.S));
  });

  it('publishes a renamed type’s stored events under their name now: a cascade’s old drift event is CascadeTargetDrifted, never mistaken for an alert', async () => {
    const { events } = await publishedFor([record(150, 'T#acme#CASCADE#c-1#R1#MNO#north', [{ type: 'SecurityAlertRaised' }]), record(151, 'T#acme#ALERT#1#imei-mismatch', [{ type: 'SecurityAlertRaised' }])]);
    expect(events.map((e) => e['detail-type'])).toEqual(['CascadeTargetDrifted', 'SecurityAlertRaised']);
  });

  it('holding the publishing lease, publishes every commit whichever region appended it, and moves the watermark', async () => {
    const { events } = await publishedFor([record(200, 'T#acme#SIM#1', [{ type: 'SimActivated' }], 'eu-west-1'), record(201, 'T#acme#SIM#2', [{ type: 'SimSuspended' }])]);
    expect(events.map((e) => e['detail-type'])).toEqual(['SimActivated', 'SimSuspended']);
    expect(await lease.read()).toMatchObject({ owner: 'local', token: 1, watermark: '2026-11-24T10:00:00.000Z' });
  });

  it('retries entries PutEvents reports as failed, and publishes each once', async () => {
    bus.failNext(2);
    const { response, events } = await publishedFor([record(300, 'T#acme#SIM#1', [{ type: 'SimActivated' }, { type: 'SimSuspended' }, { type: 'SimResumed' }])]);
    expect(response.batchItemFailures).toEqual([]);
    expect(events.map((e) => e['detail-type']).sort()).toEqual(['SimActivated', 'SimResumed', 'SimSuspended']);
  });

  it('never drops: entries still failing after retries report their first record as the batch item failure', async () => {
    bus.failNext(1000);
    const { response } = await publishedFor([record(400, 'T#acme#SIM#1', [{ type: 'SimActivated' }]), record(401, 'T#acme#SIM#2', [{ type: 'SimSuspended' }])]);
    bus.failNext(0);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '0000000400' }]);
  });
});
