import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASCADE_TASKS } from '../../manifest/cascade-workflow.ts';
import type { BusEvent } from '../../infra/local/event-bus/put-events.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { until } from '../support/eventually.ts';
import { unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const mno: SimulatedMno = { id: `events-${unique()}`, name: 'events', style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: ['data.apns'] };
const fast = Object.fromEntries(Object.keys(CASCADE_TASKS).map((state) => [state, 5]));

let api: LocalApi;
const seen: BusEvent[] = [];
beforeAll(async () => {
  api = await startLocalApi({ mnos: [mno], stepFunctions: { waitTimeOverrides: { WaitForJob: 5, BackOffBeforeResubmit: 5 }, retryIntervalOverrides: fast } });
  api.runtime.bus.subscribe((e) => seen.push(e));
});
afterAll(() => api.stop());

describe('npm run ops -- events --follow', () => {
  it('prints each event on the bus once, one line each, as it happens (the ops-feed log group, read with FilterLogEvents), and stops cleanly on Ctrl-C', async () => {
    expect(JSON.parse(readFileSync(join(api.dataDir, 'endpoints.json'), 'utf8'))).toMatchObject({ logs: api.runtime.logs.endpoint });
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/ops/cli.ts', 'events', '--follow'], { env: { ...process.env, SWITCHBOARD_DATA_DIR: api.dataDir } });
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    try {
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      // Its first poll prints the last minute: the test MNOs registered when the runtime started.
      await until(() => /MnoRegistered .*\n/.test(out), 'the CLI to print the events of the last minute', { interval: 20 });
      const t = await api.tenant('sims:write');
      await until(() => out.includes('EnterpriseMnosChosen') && out.includes(t.id), "the CLI to print the tenant's event", { interval: 20 });
      expect(out.split('\n').find((l) => l.includes('EnterpriseOnboarded') && l.includes(t.id))).toMatch(/^\d{4}-\d\d-\d\dT.*EnterpriseOnboarded\s+t-/);
      // Polls overlap by design; two more of them print nothing twice.
      await new Promise((ok) => setTimeout(ok, 2500));
      const mine = out.split('\n').filter((l) => l.includes(t.id));
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(new Set(mine).size).toBe(mine.length);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(err.replace(/.*nodedir.*\n/g, '')).toBe('');
    } finally {
      child.kill();
    }
  });

  it('--json prints the events as the bus carried them; without --follow, those of the last minutes, then exits', async () => {
    const t = await api.tenant('sims:write');
    const onboarded = () => seen.find((e) => e['detail-type'] === 'EnterpriseOnboarded' && (e.detail as { tenant: string }).tenant === t.id);
    await until(() => onboarded() !== undefined, 'the tenant onboarded on the bus', { interval: 20 });
    await api.runtime.bus.idle();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/ops/cli.ts', 'events', '--json', '--since', '5m', '--filter', `{ $.detail.tenant = "${t.id}" }`], {
      env: { ...process.env, SWITCHBOARD_DATA_DIR: api.dataDir },
      timeout: 20_000,
    });
    const printed = stdout.trim().split('\n').map((l) => JSON.parse(l) as BusEvent);
    expect(printed.map((e) => e['detail-type'])).toEqual(expect.arrayContaining(['EnterpriseOnboarded', 'EnterpriseMnosChosen']));
    expect(printed.every((e) => (e.detail as { tenant: string }).tenant === t.id)).toBe(true);
    expect(printed.find((e) => e.id === onboarded()!.id)).toEqual(onboarded());

    // With --region: AWS's path (no endpoints.json, the SDK's default configuration), the same calls,
    // here sent to the local endpoint through the SDK's own AWS_ENDPOINT_URL_CLOUDWATCH_LOGS.
    const viaAws = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/ops/cli.ts', 'events', '--json', '--region', 'eu-west-1', '--since', '5m', '--filter', `{ $.detail.tenant = "${t.id}" }`], {
      env: { ...process.env, SWITCHBOARD_DATA_DIR: join(api.dataDir, 'nowhere'), AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: api.runtime.logs.endpoint },
      timeout: 20_000,
    });
    expect(viaAws.stdout).toBe(stdout);
  });
});

describe('domain events on the bus, as integrations receive them', () => {
  it('a SIM command and a policy publish each reach the bus once per event id, in stream order', async () => {
    const t = await api.tenant('sims:write sims:read policies:write policies:read');
    await api.call('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: [mno.id] } });
    const sim = api.newSim();
    const registered = await api.call('POST', '/v1/sims', { token: t.token, body: { ...sim, profiles: [{ ...sim.profiles[0]!, mno: mno.id }] } });
    expect(registered.status).toBe(201);
    await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: t.token });
    await api.call('PUT', '/v1/policies/p1', { token: t.token, body: { data: { apns: ['iot.events'] } } });
    const { cascadeId } = (await api.call('POST', '/v1/policies/p1/publish', { token: t.token })).body;

    const mine = () => seen.filter((e) => (e.detail as { tenant: string | null }).tenant === t.id);
    const types = () => mine().map((e) => e['detail-type']);
    await until(() => types().filter((x) => x === 'CascadeCompleted').length === 2, 'two cascades to complete', { interval: 20 });
    await api.runtime.bus.idle();

    const ids = mine().map((e) => (e.detail as { eventId: string }).eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const simEvents = mine().filter((e) => (e.detail as { streamId: string }).streamId.endsWith(`#SIM#${sim.eid}`));
    expect(simEvents.map((e) => e['detail-type'])).toEqual(['SimRegistered', 'SimActivated', 'SimStateObserved']);
    expect(types()).toEqual(expect.arrayContaining(['EnterpriseMnosChosen', 'PolicyDraftSet', 'PolicyPublished', 'CascadeStarted', 'CascadeTargetVerified', 'CascadeCompleted']));
    const published = mine().find((e) => e['detail-type'] === 'PolicyPublished')!;
    expect(published).toMatchObject({ source: 'switchboard', detail: { data: { policyId: 'p1', version: 1, cascadeId } } });
    expect(JSON.stringify(mine())).not.toMatch(/secret|password|clientSecret|apiKey/i);
  });
});

describe('the archive', () => {
  it('keeps every event on disk and replays a time range to the rules with StartReplay, never restarting cascades', async () => {
    const { EventBridgeClient, StartReplayCommand, DescribeReplayCommand } = await import('@aws-sdk/client-eventbridge');
    await api.runtime.bus.idle();
    const onDisk = readFileSync(join(api.dataDir, 'event-archive.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BusEvent);
    expect(onDisk.length).toBeGreaterThan(5);
    expect(onDisk.length).toBe(api.runtime.bus.archive.length);

    const executions = api.runtime.cascades.engine.executions.size;
    const replayed: BusEvent[] = [];
    const unsubscribe = api.runtime.bus.subscribe((e) => e['replay-name'] === 'again' && replayed.push(e));
    const client = new EventBridgeClient({});
    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'again',
        EventSourceArn: 'arn:aws:events:local:000000000000:archive/switchboard-events',
        EventStartTime: new Date(Date.now() - 3_600_000),
        EventEndTime: new Date(Date.now() + 1000),
        Destination: { Arn: 'arn:aws:events:local:000000000000:event-bus/switchboard-events' },
      }),
    );
    expect(started.State).toBe('STARTING');
    await api.runtime.bus.idle();
    unsubscribe();
    expect(replayed.length).toBe(onDisk.length);
    expect(replayed.map((e) => e.id)).toEqual(onDisk.map((e) => e.id));
    expect((await client.send(new DescribeReplayCommand({ ReplayName: 'again' }))).State).toBe('COMPLETED');
    expect(api.runtime.cascades.engine.executions.size).toBe(executions);
  });
});
