import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateFilterLogEvents,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_NAME, OPS_FEED_LOG_GROUP, SOURCE } from '../../manifest/rules.ts';
import { createEventBus, type EventBus } from '../../infra/local/event-bus/bus.ts';
import { compileFilterPattern } from '../../infra/local/logs/filter-pattern.ts';
import { createLogStore, startLocalLogs, type LocalLogs } from '../../infra/local/logs/index.ts';

const GROUP = '/aws/events/test';
const T0 = Date.parse('2026-11-25T10:00:00Z');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let logs: LocalLogs;
let client: CloudWatchLogsClient;
beforeAll(async () => {
  logs = await startLocalLogs({ logGroups: [GROUP, '/aws/events/other', OPS_FEED_LOG_GROUP], retentionInDays: 30 });
  client = new CloudWatchLogsClient({ endpoint: logs.endpoint, region: 'local', credentials, maxAttempts: 1 });
  // Written out of order: the one at T0+1s arrives last, as a late delivery does.
  const write = (second: number, stream: string, message: unknown) =>
    logs.store.putLogEvent(GROUP, stream, { timestamp: T0 + second * 1000, message: typeof message === 'string' ? message : JSON.stringify(message) });
  write(0, 's-a', { 'detail-type': 'SimRegistered', detail: { tenant: 'acme', version: 1 } });
  write(2, 's-b', { 'detail-type': 'SimActivated', detail: { tenant: 'acme', version: 2 } });
  write(3, 's-c', { 'detail-type': 'PolicyPublished', detail: { tenant: 'globex', version: 7 } });
  write(4, 's-d', 'ERROR the MNO said no');
  write(1, 's-e', { 'detail-type': 'EnterpriseOnboarded', detail: { tenant: 'globex', version: 1 } });
});
afterAll(async () => {
  client.destroy();
  await logs.stop();
});

const filter = (input: Partial<FilterLogEventsCommandInput> = {}) => client.send(new FilterLogEventsCommand({ logGroupName: GROUP, ...input }));
const types = (events: FilteredLogEvent[] | undefined) => (events ?? []).map((e) => (e.message!.startsWith('{') ? JSON.parse(e.message!)['detail-type'] : e.message));

describe('the local CloudWatch Logs endpoint (FilterLogEvents with @aws-sdk/client-cloudwatch-logs)', () => {
  it('answers a group\'s events by timestamp, with their stream, message, ingestion time and a unique id', async () => {
    const out = await filter();
    expect(types(out.events)).toEqual(['SimRegistered', 'EnterpriseOnboarded', 'SimActivated', 'PolicyPublished', 'ERROR the MNO said no']);
    expect(out.nextToken).toBeUndefined();
    const [first] = out.events!;
    expect(first).toEqual({
      logStreamName: 's-a',
      timestamp: T0,
      message: JSON.stringify({ 'detail-type': 'SimRegistered', detail: { tenant: 'acme', version: 1 } }),
      ingestionTime: expect.any(Number),
      eventId: expect.any(String),
    });
    expect(new Set(out.events!.map((e) => e.eventId)).size).toBe(5);
  });

  it('takes startTime and endTime, both inclusive, and logStreamNames or a prefix', async () => {
    expect(types((await filter({ startTime: T0 + 1000, endTime: T0 + 3000 })).events)).toEqual(['EnterpriseOnboarded', 'SimActivated', 'PolicyPublished']);
    expect(types((await filter({ startTime: T0 + 4001 })).events)).toEqual([]);
    expect(types((await filter({ logStreamNames: ['s-e', 's-b'] })).events)).toEqual(['EnterpriseOnboarded', 'SimActivated']);
    const byArn = await client.send(new FilterLogEventsCommand({ logGroupIdentifier: `arn:aws:logs:local:000000000000:log-group:${GROUP}:*`, logStreamNamePrefix: 's-d' }));
    expect(types(byArn.events)).toEqual(['ERROR the MNO said no']);
    await expect(filter({ logGroupIdentifier: GROUP })).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/mutually exclusive/) });
  });

  it('pages with limit and nextToken, as the SDK paginator reads them', async () => {
    const first = await filter({ limit: 2 });
    expect(types(first.events)).toEqual(['SimRegistered', 'EnterpriseOnboarded']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await filter({ limit: 2, nextToken: first.nextToken });
    expect(types(second.events)).toEqual(['SimActivated', 'PolicyPublished']);
    const pages: FilteredLogEvent[][] = [];
    for await (const page of paginateFilterLogEvents({ client, pageSize: 2 }, { logGroupName: GROUP, startTime: T0 + 1000 })) pages.push(page.events ?? []);
    expect(pages.map(types)).toEqual([['EnterpriseOnboarded', 'SimActivated'], ['PolicyPublished', 'ERROR the MNO said no']]);
    await expect(filter({ nextToken: 'not-a-token' })).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'The specified nextToken is invalid.' });
    await expect(filter({ limit: 10_001 })).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('filters with the supported filter patterns: terms and JSON conditions', async () => {
    expect(types((await filter({ filterPattern: 'ERROR' })).events)).toEqual(['ERROR the MNO said no']);
    expect(types((await filter({ filterPattern: '"said no" -MNO' })).events)).toEqual([]);
    expect(types((await filter({ filterPattern: '?SimActivated ?PolicyPublished' })).events)).toEqual(['SimActivated', 'PolicyPublished']);
    expect(types((await filter({ filterPattern: '{ $.detail.tenant = "acme" }' })).events)).toEqual(['SimRegistered', 'SimActivated']);
    expect(types((await filter({ filterPattern: '{ $.detail-type = "Sim*" && $.detail.version > 1 }' })).events)).toEqual(['SimActivated']);
    expect(types((await filter({ filterPattern: '{ $.detail.version >= 7 || $.detail.tenant != "globex" }' })).events)).toEqual(['SimRegistered', 'SimActivated', 'PolicyPublished']);
  });

  it('refuses a filter pattern it does not support, saying what it supports', async () => {
    for (const pattern of ['[ip, user, status=404]', '%ERR.R%', '{ ($.a = 1) }', '{ $.a IS NULL }', '?a b'])
      await expect(filter({ filterPattern: pattern }), pattern).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: expect.stringMatching(/is not supported by the local CloudWatch Logs endpoint .*supported: terms/),
      });
  });

  it('answers ResourceNotFoundException for a group that does not exist, and lists the ones that do', async () => {
    await expect(filter({ logGroupName: '/aws/events/nothing' })).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    await expect(client.send(new FilterLogEventsCommand({}))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const groups = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/events/', limit: 2 }));
    expect(groups.logGroups!.map((g) => g.logGroupName)).toEqual(['/aws/events/other', OPS_FEED_LOG_GROUP]);
    expect(groups.logGroups![0]).toMatchObject({ retentionInDays: 30, logGroupArn: 'arn:aws:logs:local:000000000000:log-group:/aws/events/other' });
    const rest = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/events/', nextToken: groups.nextToken }));
    expect(rest.logGroups!.map((g) => g.logGroupName)).toEqual([GROUP]);
    expect(rest.nextToken).toBeUndefined();
  });

  it('answers an operation it does not serve with UnknownOperationException', async () => {
    await expect(client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's-a' }))).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });
});

describe('the local log store', () => {
  it('keeps the newest events of a group up to its cap, dropping the oldest', () => {
    const store = createLogStore({ maxEventsPerGroup: 3 });
    store.createLogGroup('/g');
    for (const t of [5, 1, 4, 2, 3]) store.putLogEvent('/g', 's', { timestamp: t, message: `m${t}` });
    expect(store.filterLogEvents({ logGroupName: '/g' }).events.map((e) => e.message)).toEqual(['m3', 'm4', 'm5']);
    expect(() => store.createLogGroup('/g')).toThrow(/already exists/);
    expect(() => store.putLogEvent('/nope', 's', { timestamp: 1, message: 'x' })).toThrow(/does not exist/);
  });

  it('compiles filter patterns once: terms are case-sensitive substrings, JSON conditions need a JSON message', () => {
    expect(compileFilterPattern('error')('ERROR')).toBe(false);
    expect(compileFilterPattern('{ $.a = 1 }')('not json')).toBe(false);
    expect(compileFilterPattern('{ $.a.b = "x y" }')('{"a":{"b":"x y"}}')).toBe(true);
    expect(compileFilterPattern('   ')('anything')).toBe(true);
  });
});

describe('the ops-feed rule on the local bus', () => {
  let bus: EventBus;
  let events: EventBridgeClient;
  beforeAll(async () => {
    bus = createEventBus({
      targets: {
        'state-machine': async () => undefined,
        function: async () => undefined,
        webhooks: async () => undefined,
        archive: async () => undefined,
        'log-group': (logGroup, event) => logs.writeEvent(logGroup, event),
      },
    });
    await new Promise<void>((ok) => bus.server.listen(0, '127.0.0.1', ok));
    events = new EventBridgeClient({ endpoint: `http://127.0.0.1:${(bus.server.address() as AddressInfo).port}`, region: 'local', credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    events.destroy();
    await new Promise((ok) => bus.server.close(ok));
  });

  it('writes each event whole, as JSON, stamped with its time, in a stream named after its id; replays too', async () => {
    const time = new Date('2026-11-25T11:00:00.700Z');
    const detail = { tenant: 'acme', streamId: 'T#acme#SIM#1', version: 1, eventId: 'e-1', data: {}, metadata: {} };
    const out = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: SOURCE, DetailType: 'SimRegistered', Detail: JSON.stringify(detail), Time: time }] }));
    await bus.idle();
    const id = out.Entries![0]!.EventId!;
    const found = await client.send(new FilterLogEventsCommand({ logGroupName: OPS_FEED_LOG_GROUP }));
    expect(found.events).toHaveLength(1);
    expect(found.events![0]).toMatchObject({ logStreamName: id, timestamp: Date.parse('2026-11-25T11:00:00Z') });
    expect(JSON.parse(found.events![0]!.message!)).toEqual(bus.archive[0]);
    expect(JSON.parse(found.events![0]!.message!)).toMatchObject({ id, source: SOURCE, 'detail-type': 'SimRegistered', time: '2026-11-25T11:00:00Z', detail });

    bus.replay({ name: 'again' });
    await bus.idle();
    const after = await client.send(new FilterLogEventsCommand({ logGroupName: OPS_FEED_LOG_GROUP }));
    expect(after.events!.map((e) => JSON.parse(e.message!)['replay-name'])).toEqual([undefined, 'again']);
  });
});
