import { memoryBatchIds } from '../../adapters/signals/memory-batch-ids.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { memoryPullState } from '../../adapters/signals/memory-pull-state.ts';
import { memoryUsageCounters } from '../../adapters/signals/memory-usage-counters.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import type { SimStateAtMno } from '../../application/ports/mno-gateway.ts';
import { contextCache, loadSimContext } from '../../application/signals/facts.ts';
import { queueFileSignals } from '../../application/signals/files.ts';
import { pollMno } from '../../application/signals/poll.ts';
import { BATCH_SEND_MS, type BatchIds, type CmpPull, type SignalBatch, type SignalPorts } from '../../application/signals/ports.ts';
import { processSignalBatch } from '../../application/signals/process.ts';
import { verifyNetwork } from '../../application/signals/verify-network.ts';
import { registerSim } from '../../application/sims/register.ts';
import { alertStream, enterpriseStream, mnoStream, policyStream, simStream } from '../../application/stream-ids.ts';
import { alertDecider } from '../../domain/alerts/decider.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { DEFAULT_SETTINGS } from '../../domain/enterprise/events.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';
import { Signal } from '../../domain/signals/signals.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { verifyPortsOver } from '../support/verify-ports.ts';
import { eid, iccid, imei, imsi } from '../support/ids.ts';

/** Second review: bugs demonstrated (each test asserts the correct behaviour and fails today). */
let store: MemoryEventStore;
let counters: ReturnType<typeof memoryUsageCounters>;
const ctx = (actor: string) => ({ actor, correlationId: 'c', region: 'local' });
const ports = (over: Partial<SignalPorts> = {}): SignalPorts => ({ store, counters, region: 'local', nowMs: Date.now, count: () => undefined, ...over });
const contexts = () => contextCache((i) => loadSimContext(store, i), Date.now);
const at = '2026-12-05T10:00:00.000Z';

const governedBy = async (tenant: string, document: unknown) => {
  await executeCommand(store, policyDecider, policyStream(tenant, 'fleet'), { type: 'SetPolicyDraft', actor: 'alice', policyId: 'fleet', document: PolicyDocument.parse(document) }, ctx('alice'));
  await executeCommand(store, policyDecider, policyStream(tenant, 'fleet'), { type: 'PublishPolicy', actor: 'alice', policyId: 'fleet', cascadeId: `fleet-${tenant}-1` }, ctx('alice'));
  await executeCommand(store, enterpriseDecider, enterpriseStream(tenant), { type: 'ChangeSettings', settings: { ...DEFAULT_SETTINGS, policyId: 'fleet' } }, ctx('alice'));
};
const activeSim = async (tenant: string, n: number) => {
  await registerSim(store, tenant, { eid: eid(n), imei: imei(n), profiles: [{ iccid: iccid(n), mno: 'north', imsi: imsi(n), fallback: false }] }, ctx('alice'));
  await executeCommand(store, simDecider, simStream(tenant, eid(n)), { type: 'ActivateSim', actor: 'alice' }, ctx('alice'));
};

/** A store whose appends to streams matching `match` fail while `fail()` says so. */
const flakyStore = (match: (stream: string, events: { type: string }[]) => boolean, fail: () => boolean) => {
  const flaky = Object.create(store) as MemoryEventStore;
  flaky.append = async (...args: Parameters<MemoryEventStore['append']>) => {
    if (fail() && match(String(args[0]), args[2] as { type: string }[])) throw new Error('Lambda timed out');
    return store.append(...args);
  };
  return flaky;
};

const batchIdsLikeDynamo = (now: () => number) => memoryBatchIds(now);

beforeEach(async () => {
  store = new MemoryEventStore();
  counters = memoryUsageCounters();
  await seedMnosAndTenants(store, ['north'], ['acme']);
});

describe('signal processing, interrupted', () => {
  it('a crash between the suspension and RecordContainment is finished by the next delivery', async () => {
    await governedBy('acme', { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } });
    await activeSim('acme', 1);
    const attach = Signal.parse({ kind: 'session', event: 'attach', iccid: iccid(1), imei: imei(99), plmn: '262-91', country: 'DE', at });
    let crash = true;
    const crashing = flakyStore((s, events) => s.includes('#ALERT#') && events.some((e) => e.type === 'SecurityAlertContained'), () => crash);
    const message = { mno: 'north', batchId: 'b1', receivedAt: at, signals: [attach] };
    // Nothing was counted (a session): the message fails as it is, and the queue delivers it again.
    await expect(processSignalBatch(ports({ store: crashing }), contexts(), message)).rejects.toThrow();
    crash = false;
    await processSignalBatch(ports(), contexts(), message);
    expect((await loadState(store, simDecider, simStream('acme', eid(1)))).state.status).toBe('suspended');
    expect((await loadState(store, alertDecider, alertStream('acme', eid(1), 'imei-mismatch'))).state.latest).toMatchObject({ contained: true });
  });

  it('a batch in which nothing is counted anew fails as it is (its marks kept): the queue’s redelivery counts nothing again', async () => {
    await activeSim('acme', 1);
    const usage = Signal.parse({ kind: 'usage', iccid: iccid(1), bytes: 2_000_000, at });
    const alertsDown = flakyStore((s) => s.includes('#ALERT#'), () => true);
    await governedBy('acme', { caps: { dataMbPerMonth: 1 } });
    const rest = await processSignalBatch(ports({ store: alertsDown }), contexts(), { mno: 'north', batchId: 'b1', receivedAt: at, signals: [usage] });
    expect(rest).toMatchObject({ counted: [`${iccid(1)}|2026-12-05`] });
    // Handed back, and failing again with nothing new: the message fails whole; redelivered as it is, it counts nothing again.
    await expect(processSignalBatch(ports({ store: alertsDown }), contexts(), rest!)).rejects.toThrow();
    await processSignalBatch(ports(), contexts(), rest!);
    expect((await counters.read('acme', eid(1), '2026-12'))!.bytes).toBe(2_000_000);
  });

  it('a SIM whose signals span two days, the second day\'s ADD failing, is handed back with the first day marked: no day counted twice', async () => {
    await activeSim('acme', 1);
    let failSecond = true;
    const flaky = { ...counters, add: async (c: Parameters<typeof counters.add>[0]) => (failSecond && c.day === '06' ? Promise.reject(new Error('throttled')) : counters.add(c)) };
    const u = (day: string) => Signal.parse({ kind: 'usage', iccid: iccid(1), bytes: 100, at: `2026-12-${day}T10:00:00.000Z` });
    await activeSim('acme', 2);
    const other = Signal.parse({ kind: 'usage', iccid: iccid(2), bytes: 1, at });
    const rest = await processSignalBatch(ports({ counters: flaky }), contexts(), { mno: 'north', batchId: 'b1', receivedAt: at, signals: [u('05'), u('06'), other] });
    failSecond = false;
    await processSignalBatch(ports(), contexts(), rest!);
    expect((await counters.read('acme', eid(1), '2026-12'))!.days).toEqual({ '05': 100, '06': 100 });
  });
});

describe('sendOnce and a sender that stopped between take and send', () => {
  it('poll: a poll that stopped mid-send leaves its outbox; the next polls wait while it may still be sending, then take it over and queue it once', async () => {
    let clock = Date.parse('2026-12-05T10:02:00.000Z');
    const ids = batchIdsLikeDynamo(() => clock);
    const state = memoryPullState();
    const queued: SignalBatch[] = [];
    const A = iccid(61);
    const client: CmpPull = {
      modifiedSince: async () => [A],
      usage: async () => ({ cycle: '2026-12', bytes: 700, sms: 0 }),
      sessions: async () => [],
      sms: async () => [],
    };
    // The first poll stops (Lambda timeout) after taking the id, before SendMessage returns: neither confirm nor release runs.
    const stopped = { send: () => new Promise<void>(() => undefined) };
    void pollMno({ state, queue: stopped, batchIds: ids, nowMs: () => clock }, client, 'north');
    await new Promise((r) => setTimeout(r, 20));
    expect([...ids.marks.values()].map((i) => i.state)).toEqual(['sending']);
    for (const minutes of [1, 2, 3, 10]) {
      clock = Date.parse('2026-12-05T10:02:00.000Z') + minutes * 60_000;
      await pollMno({ state, queue: { send: async (b) => void queued.push(b) }, batchIds: ids, nowMs: () => clock }, client, 'north');
    }
    expect(queued.flatMap((b) => b.signals).filter((s) => s.kind === 'usage').reduce((n, s) => n + (s.kind === 'usage' ? s.bytes : 0), 0)).toBe(700);
  });

  it('file: Lambda\'s async retry of a reader that stopped mid-send is told the chunk is in flight (and retries), then takes it over and queues it once', async () => {
    let clock = Date.parse('2026-12-05T10:00:00.000Z');
    const ids = batchIdsLikeDynamo(() => clock);
    const signals = [Signal.parse({ kind: 'usage', iccid: iccid(1), bytes: 5, at })];
    void queueFileSignals({ queue: { send: () => new Promise<void>(() => undefined) }, batchIds: ids, nowMs: () => clock }, 'north', 'north/a.csv@e1', signals);
    await new Promise((r) => setTimeout(r, 10));
    const queued: SignalBatch[] = [];
    const retry = () => queueFileSignals({ queue: { send: async (b) => void queued.push(b) }, batchIds: ids, nowMs: () => clock }, 'north', 'north/a.csv@e1', signals);
    clock += 30_000;
    await expect(retry()).rejects.toThrow(/another sender/);
    clock += 60_000;
    expect((await retry()).queued).toBe(1);
    expect((await retry()).queued).toBe(0);
    expect(queued).toHaveLength(1);
  });
});

describe('network verification and a person\'s change on its way', () => {
  it('a SIM a person resumed, whose cascade has not reached a slow MNO after settleMs, is left alone (not drift: never confirmed there)', async () => {
    await executeCommand(store, mnoDecider, mnoStream('north'), { type: 'RecordVerification', checks: allChecksPassed() }, ctx('alice'));
    await governedBy('acme', { responses: { 'state-drift': 'suspend' } });
    await activeSim('acme', 1);
    await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'SuspendSim', actor: 'alice' }, ctx('alice'));
    await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ResumeSim', actor: 'alice' }, ctx('alice'));
    // The resume's own cascade is still running (async job CMP, retries, an outage just ended): the MNO holds 'suspended'.
    const held: Record<string, SimStateAtMno> = { [iccid(1)]: 'suspended' };
    await verifyNetwork(verifyPortsOver(store, [eid(1)], () => held, () => Date.now() + 11 * 60_000, 10 * 60_000));
    expect((await loadState(store, simDecider, simStream('acme', eid(1)))).state.status).toBe('active');
  });
});
