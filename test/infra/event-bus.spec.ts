import { appendFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand, TestEventPatternCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_NAME, EVENT_RULES, OPS_FEED_LOG_GROUP, SOURCE, type EventRule } from '../../manifest/rules.ts';

/** The shared rules, plus a state-machine rule with an input transformer (a target kind the shared table may use). */
const RULES: readonly EventRule[] = [
  ...EVENT_RULES,
  {
    name: 'start-policy-cascade',
    description: 'test rule',
    eventPattern: { source: [SOURCE], 'detail-type': ['CascadeStarted'], 'replay-name': [{ exists: false }] },
    target: {
      kind: 'state-machine',
      stateMachine: 'cascade',
      inputTransformer: { inputPathsMap: { tenant: '$.detail.tenant', cascadeId: '$.detail.data.cascadeId' }, inputTemplate: '{"tenant": <tenant>, "cascadeId": <cascadeId>}' },
    },
  },
];
import { createEventBus, type EventBus } from '../../infra/local/event-bus/bus.ts';
import type { BusEvent } from '../../infra/local/event-bus/put-events.ts';

/** Records every target call; a target fails while `failures[kind]` is above zero. */
const recorder = () => {
  const calls = {
    'state-machine': [] as { name: string; input: string }[],
    function: [] as { name: string; event: BusEvent }[],
    webhooks: [] as BusEvent[],
    archive: [] as BusEvent[],
    'log-group': [] as { logGroup: string; event: BusEvent }[],
  };
  const failures = { 'state-machine': 0, function: 0, webhooks: 0, archive: 0, 'log-group': 0 };
  const fail = (kind: keyof typeof failures) => {
    if (failures[kind]-- > 0) throw new Error(`${kind} is down`);
  };
  const targets = {
    'state-machine': async (name: string, input: string) => (fail('state-machine'), void calls['state-machine'].push({ name, input })),
    function: async (name: string, event: BusEvent) => (fail('function'), void calls.function.push({ name, event })),
    webhooks: async (event: BusEvent) => (fail('webhooks'), void calls.webhooks.push(event)),
    archive: async (event: BusEvent) => (fail('archive'), void calls.archive.push(event)),
    'log-group': async (logGroup: string, event: BusEvent) => (fail('log-group'), void calls['log-group'].push({ logGroup, event })),
  };
  return { calls, failures, targets };
};

const entry = (detailType: string, data: Record<string, unknown> = {}, overrides: PutEventsRequestEntry = {}): PutEventsRequestEntry => ({
  EventBusName: BUS_NAME,
  Source: SOURCE,
  DetailType: detailType,
  Detail: JSON.stringify({ tenant: 'acme', streamId: 'T#acme#POLICY#fleet', version: 3, eventId: `e-${detailType}`, data, metadata: {} }),
  ...overrides,
});

const retry = { retries: 2, baseDelayMs: 5 };
let target = recorder();
/** An in-process bus of its own for a test, its targets recorded in `target`. */
const fresh = () => {
  target = recorder();
  return createEventBus({ targets: target.targets, retry, rules: RULES });
};

/** The bus behind the HTTP endpoint; its targets go to whatever `target` is at the time. */
let served: EventBus;
let client: EventBridgeClient;
const put = async (...entries: PutEventsRequestEntry[]) => {
  const out = await client.send(new PutEventsCommand({ Entries: entries }));
  await served.idle();
  return out;
};

beforeAll(async () => {
  served = createEventBus({
    retry,
    rules: RULES,
    targets: {
      'state-machine': (name, input) => target.targets['state-machine'](name, input),
      function: (name, event) => target.targets.function(name, event),
      webhooks: (event) => target.targets.webhooks(event),
      archive: (event) => target.targets.archive(event),
      'log-group': (logGroup, event) => target.targets['log-group'](logGroup, event),
    },
  });
  await new Promise<void>((ok) => served.server.listen(0, '127.0.0.1', ok));
  // As the forwarder finds it in the local runtime: the SDK reads the service's endpoint variable.
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}`;
  client = new EventBridgeClient({});
});
afterAll(() => {
  delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
  client.destroy();
  served.server.close();
});

describe('the local EventBridge endpoint (PutEvents with @aws-sdk/client-eventbridge)', () => {
  it('accepts entries and answers an event id for each, in order', async () => {
    const out = await put(entry('SimActivated'), entry('SimSuspended'));
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(2);
    for (const e of out.Entries!) expect(e.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(out.Entries!.map((e) => e.EventId)).size).toBe(2);
  });

  it('refuses invalid entries one by one, and still takes the valid ones', async () => {
    const out = await put(
      entry('SimActivated', {}, { Source: undefined }),
      entry('SimActivated', {}, { DetailType: undefined }),
      entry('SimActivated', {}, { Detail: undefined }),
      entry('SimActivated', {}, { Detail: '{"tenant":' }),
      entry('SimActivated', {}, { Detail: '[1, 2]' }),
      entry('SimActivated', {}, { EventBusName: 'nobody' }),
      entry('SimActivated'),
    );
    expect(out.FailedEntryCount).toBe(6);
    expect(out.Entries!.map((e) => e.ErrorCode ?? 'ok')).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'MalformedDetail', 'InvalidArgument', 'ok']);
    expect(out.Entries![0]!.ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
    expect(out.Entries![5]!.ErrorMessage).toContain('Event bus nobody does not exist');
  });

  it('refuses a whole call of more than 10 entries or more than 256 KB', async () => {
    await expect(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry('SimActivated')) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const big = entry('SimActivated', { blob: 'x'.repeat(130 * 1024) });
    await expect(client.send(new PutEventsCommand({ Entries: [big, big] }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('routes a CascadeStarted event to the cascade state machine with the transformed input, and to webhooks, the archive and the ops feed', async () => {
    target = recorder();
    const time = new Date('2026-11-25T10:00:00.250Z');
    const out = await put(entry('CascadeStarted', { cascadeId: 'c-42', subject: { kind: 'policy' }, targets: ['mno-a'] }, { Time: time }));
    expect(target.calls['state-machine']).toEqual([{ name: 'cascade', input: expect.any(String) }]);
    expect(JSON.parse(target.calls['state-machine'][0]!.input)).toEqual({ tenant: 'acme', cascadeId: 'c-42' });
    const [event] = target.calls.webhooks;
    expect(event).toMatchObject({
      version: '0',
      id: out.Entries![0]!.EventId,
      'detail-type': 'CascadeStarted',
      source: SOURCE,
      account: '000000000000',
      region: 'local',
      time: '2026-11-25T10:00:00Z',
      resources: [],
      detail: { tenant: 'acme', data: { cascadeId: 'c-42' } },
    });
    expect(target.calls.archive).toEqual([event]);
    expect(served.archive).toContainEqual(event);
    expect(target.calls['log-group']).toEqual([{ logGroup: OPS_FEED_LOG_GROUP, event }]);
  });

  it('answers PutEvents before any target runs, as EventBridge does', async () => {
    const bus = fresh();
    bus.putEvents([entry('CascadeStarted', { cascadeId: 'c-43' })]);
    expect(target.calls).toEqual({ 'state-machine': [], function: [], webhooks: [], archive: [], 'log-group': [] });
    await bus.idle();
    expect(target.calls['state-machine']).toHaveLength(1);
  });

  it('routes nothing that matches no rule: another source, or the default bus', async () => {
    const bus = fresh();
    const out = bus.putEvents([entry('CascadeStarted', { cascadeId: 'c-1' }, { Source: 'someone.else' }), entry('CascadeStarted', { cascadeId: 'c-2' }, { EventBusName: undefined })]);
    await bus.idle();
    expect(out.FailedEntryCount).toBe(0);
    expect(target.calls).toEqual({ 'state-machine': [], function: [], webhooks: [], archive: [], 'log-group': [] });
    expect(bus.archive).toEqual([]);
  });

  it('retries a failing target with backoff, then keeps the event as a dead letter', async () => {
    const bus = fresh();
    target.failures.webhooks = 2; // fails twice, succeeds on the third and last attempt
    bus.putEvents([entry('SimActivated')]);
    await bus.idle();
    expect(target.calls.webhooks).toHaveLength(1);
    expect(bus.deadLetters).toEqual([]);

    target.failures.webhooks = 3;
    bus.putEvents([entry('SimSuspended')]);
    await bus.idle();
    expect(target.calls.webhooks).toHaveLength(1);
    expect(bus.deadLetters).toEqual([
      { event: expect.objectContaining({ 'detail-type': 'SimSuspended' }), rule: 'deliver-webhooks', target: 'webhooks', attempts: 3, error: 'webhooks is down' },
    ]);
    expect(bus.archive).toHaveLength(2); // other rules' targets are not held up
  });

  it('replays archived events to the rules, with replay-name and their ids, never restarting cascades or archiving again', async () => {
    const bus = fresh();
    bus.putEvents([entry('CascadeStarted', { cascadeId: 'c-7' }), entry('PolicyPublished', { version: 7 })]);
    await bus.idle();
    const replay = bus.replay({ name: 'backfill' });
    await bus.idle();
    expect(replay).toEqual({ name: 'backfill', replayed: 2 });
    expect(target.calls.webhooks.map((e) => [e['detail-type'], e['replay-name']])).toEqual([
      ['CascadeStarted', undefined],
      ['PolicyPublished', undefined],
      ['CascadeStarted', 'backfill'],
      ['PolicyPublished', 'backfill'],
    ]);
    expect(target.calls.webhooks[2]!.id).toBe(bus.archive[0]!.id);
    expect(target.calls['state-machine']).toHaveLength(1);
    expect(bus.archive).toHaveLength(2);
    expect(target.calls.archive).toHaveLength(2);
    // The ops feed shows replays too: operators watching the bus see a replay go by.
    expect(target.calls['log-group'].map(({ event }) => event['replay-name'])).toEqual([undefined, undefined, 'backfill', 'backfill']);

    expect(bus.replay({ rules: ['start-policy-cascade'] }).replayed).toBe(2);
    expect(bus.replay({ to: new Date('2000-01-01') }).replayed).toBe(0);
    await bus.idle();
    expect(target.calls.webhooks).toHaveLength(4);
  });

  it('fails the next n entries with InternalFailure on demand, so that a publisher retries just those', async () => {
    served.failNext(2);
    const entries = [entry('SimActivated'), entry('SimSuspended'), entry('SimResumed')];
    const first = await put(...entries);
    expect(first.FailedEntryCount).toBe(2);
    expect(first.Entries!.map((e) => e.ErrorCode ?? 'ok')).toEqual(['InternalFailure', 'InternalFailure', 'ok']);
    const retried = await put(...entries.filter((_, i) => first.Entries![i]!.ErrorCode));
    expect(retried.FailedEntryCount).toBe(0);
  });

  it('tells subscribers every event it routes, until they unsubscribe', async () => {
    const bus = fresh();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe((e) => seen.push(e['detail-type']));
    bus.putEvents([entry('SimActivated')]);
    unsubscribe();
    bus.putEvents([entry('SimSuspended')]);
    await bus.idle();
    expect(seen).toEqual(['SimActivated']);
  });

  it('answers TestEventPattern, and refuses an unsupported operator', async () => {
    const event = JSON.stringify({ id: '1', account: '0', source: SOURCE, time: '2026-11-25T10:00:00Z', region: 'local', 'detail-type': 'PolicyPublished', resources: [], detail: {} });
    const test = (pattern: unknown) => client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }));
    expect((await test({ source: [SOURCE], 'detail-type': [{ prefix: 'Policy' }] })).Result).toBe(true);
    expect((await test({ source: ['aws.ec2'] })).Result).toBe(false);
    await expect(test({ source: [{ cidr: '10.0.0.0/8' }] })).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
  });

  it('refuses, when the bus is created, a rule whose pattern it cannot honour', () => {
    const rule = { name: 'by-ip', description: '', eventPattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, target: { kind: 'webhooks' } } as const;
    expect(() => createEventBus({ targets: recorder().targets, rules: [rule as never] })).toThrow(/cidr.*not supported/);
  });
});

describe('deliveries kept on disk', () => {
  it('what a bus accepted and had not delivered when its process died is delivered by the next one, to the rules it had not reached, once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bus-')), 'bus-deliveries.ndjson');
    const first = recorder();
    // The webhooks target hangs (the process dies before it answers); every other rule delivers.
    first.targets.webhooks = () => new Promise<undefined>(() => undefined);
    const dying = createEventBus({ targets: first.targets, retry, rules: RULES, deliveriesFile: file });
    const { Entries } = dying.putEvents([entry('SimActivated')]);
    await new Promise((ok) => setTimeout(ok, 50));
    expect(first.calls.function.length).toBeGreaterThan(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = recorder();
    const next = createEventBus({ targets: second.targets, retry, rules: RULES, deliveriesFile: file });
    expect(next.deliverUndelivered()).toBe(1);
    await next.idle();
    expect(second.calls.webhooks.map((e) => e.id)).toEqual([(Entries![0] as { EventId: string }).EventId]);
    expect(second.calls.function).toEqual([]);
    // Delivered now: a third start has nothing left, even after a line a kill cut short.
    appendFileSync(file, '{"accepted":{"event":{"version":"0","id":"torn');
    expect(createEventBus({ targets: recorder().targets, retry, rules: RULES, deliveriesFile: file }).deliverUndelivered()).toBe(0);
  });
});
