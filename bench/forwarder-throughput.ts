import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { BUS_NAME, SOURCE } from '../manifest/rules.ts';
import { simStream } from '../application/stream-ids.ts';
import type { BusEvent } from '../infra/local/event-bus/put-events.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { lambdaContext } from '../infra/local/lambda-context.ts';
import { eid } from '../test/support/ids.ts';
import { median } from './stats.ts';

type Item = Record<string, AttributeValue>;
export const RECORDS_PER_BATCH = 100;
const ENTRIES_PER_CALL = 10;
export const FORWARDER_TENANT = 'bench-forwarder';

const cpuUs = (d: NodeJS.CpuUsage) => d.user + d.system;

/**
 * Synthetic stream batches: `batches` × 100 INSERT records, each a copy of a real one-event commit
 * (`template`, as the event store wrote it: events, meta, hash, prev…) on a stream of its own of a
 * tenant with no webhook subscriptions, with a fresh event id. The template is a SimRegistered
 * commit: no rule starts anything for it, so the bus routes each event to the webhooks target
 * (one Query of the tenant's subscriptions) and the archive only.
 */
export const syntheticBatches = (template: Item, batches: number, first: number): DynamoDBRecord[][] => {
  const events = JSON.parse(template.events?.S ?? '[]') as { id: string }[];
  if (events.length !== 1) throw new Error(`forwarder template holds ${events.length} events, expected a one-event commit`);
  let seq = 0;
  return Array.from({ length: batches }, (_, b) =>
    Array.from({ length: RECORDS_PER_BATCH }, (_, r) => {
      const pk = simStream(FORWARDER_TENANT, eid(first + b * RECORDS_PER_BATCH + r));
      const image: Item = { ...template, pk: { S: pk }, events: { S: JSON.stringify([{ ...events[0]!, id: randomUUID() }]) } };
      const sequence = String(++seq).padStart(21, '0');
      return {
        eventID: randomUUID().replaceAll('-', ''),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'local',
        dynamodb: { Keys: { pk: image.pk, v: image.v }, NewImage: image, SequenceNumber: sequence, SizeBytes: 1024, StreamViewType: 'NEW_IMAGE' },
      } as unknown as DynamoDBRecord;
    }),
  );
};

/**
 * The entries the forwarder makes of those records (functions/streams/forwarder.ts, field for
 * field), for the floor to send itself.
 */
export const entriesOf = (records: readonly DynamoDBRecord[]): PutEventsRequestEntry[] =>
  records.flatMap((record) => {
    const image = record.dynamodb!.NewImage!;
    const streamId = image.pk!.S!;
    const metadata = JSON.parse(image.meta!.S!) as { time: string };
    const tenant = /^T#([^#]+)#/.exec(streamId)?.[1] ?? null;
    return (JSON.parse(image.events!.S!) as { id: string; type: string; version: number; schemaVersion: number; data: unknown }[]).map((e) => ({
      EventBusName: BUS_NAME,
      Source: SOURCE,
      DetailType: e.type,
      Time: new Date(metadata.time),
      Detail: JSON.stringify({ tenant, streamId, version: e.version, eventId: e.id, schemaVersion: e.schemaVersion, data: e.data, metadata }),
    }));
  });

interface Run {
  events: number;
  ms: number;
  eventsPerSec: number;
  cpuUsPerEvent: number;
  /** After the last call answered: until the bus had routed every event (webhooks target and archive). */
  drainMs: number;
}

/**
 * Forwarder throughput: the forwarder's handler, called in this process as the stream poller (and
 * Lambda) calls it, with N batches of 100 records one after another; it publishes through its
 * own EventBridgeClient to the local bus endpoint. Floor: the same entries sent by a bare SDK
 * client, 10 per PutEvents call, one call after another, to the same endpoint. Runs alternate
 * (forwarder, floor, floor, forwarder, …); between runs the bus is left to finish routing, so
 * neither run pays for the other's deliveries. Figures are medians of the runs.
 */
export const forwarderThroughput = async (runtime: Runtime, template: Item, options: { batches: number; rounds: number; first: number }, log: (m: string) => void) => {
  const { handler } = (await import('../functions/streams/forwarder.ts')) as unknown as { handler: (e: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> };
  const eventBridge = new EventBridgeClient({}); // as the forwarder's: endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE), region, keys from the environment
  const sets = Array.from({ length: 2 * options.rounds + 2 }, (_, i) => syntheticBatches(template, options.batches, options.first + i * options.batches * RECORDS_PER_BATCH));
  const calls = sets.map((set) => set.map((batch) => chunk(entriesOf(batch), ENTRIES_PER_CALL)));

  const drain = async () => {
    const t0 = process.hrtime.bigint();
    await runtime.bus.idle();
    await runtime.webhooks.idle();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const timed = async (events: number, work: () => Promise<void>): Promise<Run> => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await work();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = cpuUs(process.cpuUsage(cpu0));
    return { events, ms, eventsPerSec: events / (ms / 1000), cpuUsPerEvent: cpu / events, drainMs: await drain() };
  };
  const forwarder = (set: number) =>
    timed(options.batches * RECORDS_PER_BATCH, async () => {
      for (const batch of sets[set]!) {
        const out = await handler({ Records: batch }, lambdaContext('StreamForwarder', randomUUID()));
        if (out.batchItemFailures.length > 0) throw new Error(`forwarder reported batch item failures: ${JSON.stringify(out.batchItemFailures)}`);
      }
    });
  const floor = (set: number) =>
    timed(options.batches * RECORDS_PER_BATCH, async () => {
      for (const batch of calls[set]!)
        for (const Entries of batch) {
          const out = await eventBridge.send(new PutEventsCommand({ Entries }));
          if (out.FailedEntryCount) throw new Error(`PutEvents: ${out.FailedEntryCount} entries failed: ${JSON.stringify(out.Entries?.find((e) => e.ErrorCode))}`);
        }
    });

  // Warm-up on sets 0 and 1, checking that both make the same events on the bus (the floor sends what the forwarder sends).
  await drain();
  const routed: BusEvent[] = [];
  const unsubscribe = runtime.bus.subscribe((e) => routed.push(e));
  await forwarder(0);
  const fromForwarder = routed.splice(0).map(comparable);
  await floor(0);
  const fromFloor = routed.splice(0).map(comparable);
  unsubscribe();
  const events = options.batches * RECORDS_PER_BATCH;
  if (fromForwarder.length !== events || fromFloor.length !== events || fromForwarder.some((e, i) => e !== fromFloor[i]))
    throw new Error(`forwarder and floor put different events on the bus (${fromForwarder.length} and ${fromFloor.length} of ${events})`);
  await forwarder(1);
  await floor(1);

  const rows: { forwarder: Run; floor: Run }[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const a = 2 + 2 * r;
    const b = a + 1;
    const row =
      r % 2 === 0 ? { forwarder: await forwarder(a), floor: await floor(b) } : await floor(b).then(async (fl) => ({ floor: fl, forwarder: await forwarder(a) }));
    rows.push(row);
    log(`forwarder round ${r + 1}/${options.rounds}: ${Math.round(row.forwarder.eventsPerSec)} events/s, floor ${Math.round(row.floor.eventsPerSec)} events/s (PutEvents ×10)`);
  }
  eventBridge.destroy();
  const m = (kind: 'forwarder' | 'floor', pick: (r: Run) => number) => median(rows.map((row) => pick(row[kind])));
  return {
    batches: options.batches,
    recordsPerBatch: RECORDS_PER_BATCH,
    entriesPerCall: ENTRIES_PER_CALL,
    rounds: options.rounds,
    eventsPerSec: m('forwarder', (r) => r.eventsPerSec),
    floorEventsPerSec: m('floor', (r) => r.eventsPerSec),
    cpuUsPerEvent: m('forwarder', (r) => r.cpuUsPerEvent),
    floorCpuUsPerEvent: m('floor', (r) => r.cpuUsPerEvent),
    drainMs: m('forwarder', (r) => r.drainMs),
    floorDrainMs: m('floor', (r) => r.drainMs),
    rows,
  };
};
export type ForwarderThroughput = Awaited<ReturnType<typeof forwarderThroughput>>;

const chunk = <T>(xs: readonly T[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/** What must match between the forwarder's events and the floor's: all but the id the bus assigns. */
const comparable = (e: BusEvent) => JSON.stringify({ ...e, id: undefined });
