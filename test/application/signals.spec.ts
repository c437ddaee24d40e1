import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { memoryUsageCounters } from '../../adapters/signals/memory-usage-counters.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import { contextCache, loadSimContext } from '../../application/signals/facts.ts';
import type { SignalBatch, SignalPorts } from '../../application/signals/ports.ts';
import { GUARD, processSignalBatch } from '../../application/signals/process.ts';
import { registerSim } from '../../application/sims/register.ts';
import { alertStream, enterpriseStream, policyStream, simStream } from '../../application/stream-ids.ts';
import { alertDecider } from '../../domain/alerts/decider.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { DEFAULT_SETTINGS } from '../../domain/enterprise/events.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';
import { Signal } from '../../domain/signals/signals.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { eid, iccid, imei, imsi } from '../support/ids.ts';

/** The signal consumer's use case (application/signals/process.ts) on the in-memory event store: who a record is about, what it reveals, what is done. */
let store: MemoryEventStore;
let counters: ReturnType<typeof memoryUsageCounters>;
let counted: Record<string, number>;
const ctx = (actor: string) => ({ actor, correlationId: 'c', region: 'local' });
const ports = (): SignalPorts => ({ store, counters, region: 'local', nowMs: Date.now, count: (m, n) => void (counted[m] = (counted[m] ?? 0) + n) });
const at = '2026-12-05T10:00:00.000Z';
const attach = (n: number, seenImei: string, extra: Record<string, unknown> = {}) => Signal.parse({ kind: 'session', event: 'attach', iccid: iccid(n), imei: seenImei, plmn: '262-91', country: 'DE', at, ...extra });
const batch = (mno: string, signals: Signal[], batchId = 'b1'): SignalBatch => ({ mno, batchId, receivedAt: at, signals });
const run = (b: SignalBatch) => processSignalBatch(ports(), contextCache((i) => loadSimContext(store, i), Date.now), b);
const sim = async (tenant: string, n: number) => (await loadState(store, simDecider, simStream(tenant, eid(n)))).state;
const alerts = async (tenant: string, n: number, kind: string) => (await loadState(store, alertDecider, alertStream(tenant, eid(n), kind))).state;

const governedBy = async (tenant: string, document: unknown, settings: Record<string, unknown> = {}) => {
  await executeCommand(store, policyDecider, policyStream(tenant, 'fleet'), { type: 'SetPolicyDraft', actor: 'alice', policyId: 'fleet', document: PolicyDocument.parse(document) }, ctx('alice'));
  await executeCommand(store, policyDecider, policyStream(tenant, 'fleet'), { type: 'PublishPolicy', actor: 'alice', policyId: 'fleet', cascadeId: `fleet-${tenant}-1` }, ctx('alice'));
  await executeCommand(store, enterpriseDecider, enterpriseStream(tenant), { type: 'ChangeSettings', settings: { ...DEFAULT_SETTINGS, policyId: 'fleet', ...settings } }, ctx('alice'));
};
const activeSim = async (tenant: string, n: number, mno = 'north') => {
  await registerSim(store, tenant, { eid: eid(n), imei: imei(n), profiles: [{ iccid: iccid(n), mno, imsi: imsi(n), fallback: false }] }, ctx('alice'));
  await executeCommand(store, simDecider, simStream(tenant, eid(n)), { type: 'ActivateSim', actor: 'alice' }, ctx('alice'));
};

beforeEach(async () => {
  store = new MemoryEventStore();
  counters = memoryUsageCounters();
  counted = {};
  await seedMnosAndTenants(store, ['north', 'south'], ['acme', 'globex']);
});

describe('processing a batch of signals', () => {
  it('given an IMEI-locked SIM whose policy suspends on a mismatch, when it attaches in another device, then an alert is raised and the SIM suspended by the guard, naming it', async () => {
    await governedBy('acme', { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } });
    await activeSim('acme', 1);
    await run(batch('north', [attach(1, imei(99))]));
    const { latest } = await alerts('acme', 1, 'imei-mismatch');
    expect(latest).toMatchObject({ status: 'open', response: 'suspend', contained: true, mno: 'north', evidence: { seenImei: imei(99), registeredImei: imei(1) } });
    expect(await sim('acme', 1)).toMatchObject({ status: 'suspended', containment: { alertId: latest!.alertId, kind: 'imei-mismatch', releaseApprovals: 1 } });
    const { commits } = await store.load(simStream('acme', eid(1)));
    expect(commits.at(-1)!.metadata).toMatchObject({ actor: GUARD, correlationId: latest!.alertId, commandId: `guard:${latest!.alertId}:v2` });
  });

  it('the same anomaly again, or the batch delivered twice: the alert repeats (counted), the SIM is suspended once', async () => {
    await governedBy('acme', { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } });
    await activeSim('acme', 1);
    await run(batch('north', [attach(1, imei(99)), attach(1, imei(98))]));
    await run(batch('north', [attach(1, imei(99))]));
    const { latest, seq } = await alerts('acme', 1, 'imei-mismatch');
    expect({ seq, count: latest!.count }).toEqual({ seq: 1, count: 3 });
    const suspensions = (await store.load(simStream('acme', eid(1)))).commits.flatMap((c) => c.events).filter((e) => e.type === 'SimSuspended');
    expect(suspensions).toHaveLength(1);
  });

  it('a policy that only alerts: the alert, and the SIM left active; no policy chosen: nothing but unexpected-profile is checked', async () => {
    await governedBy('acme', { roaming: { countries: ['DE'] } });
    await activeSim('acme', 1);
    await run(batch('north', [attach(1, imei(1), { plmn: '234-15', country: 'GB' })]));
    expect((await alerts('acme', 1, 'roaming-not-allowed')).latest).toMatchObject({ status: 'open', response: 'alert', contained: false });
    expect((await sim('acme', 1)).status).toBe('active');
    await activeSim('globex', 2);
    await run(batch('north', [attach(2, imei(99), { plmn: '234-15', country: 'GB' })]));
    expect(counted.detections ?? 0).toBe(1);
  });

  it('never because of another MNO or another tenant: a record about a profile the pushing MNO does not host counts for nothing, an unknown ICCID is passed over', async () => {
    await governedBy('acme', { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } });
    await activeSim('acme', 1, 'north');
    await run(batch('south', [attach(1, imei(99))]));
    await run(batch('north', [attach(77, imei(99))]));
    expect((await alerts('acme', 1, 'imei-mismatch')).latest).toBeUndefined();
    expect((await sim('acme', 1)).status).toBe('active');
    expect(counted).toMatchObject({ 'foreign-profile': 1, 'unknown-sim': 1 });
  });

  it('usage is counted per SIM and month by usage and SMS records (flows are not counted twice); over the cap is detected', async () => {
    await governedBy('acme', { caps: { dataMbPerMonth: 1 } });
    await activeSim('acme', 1);
    const usage = (bytes: number) => Signal.parse({ kind: 'usage', iccid: iccid(1), bytes, at });
    const flow = Signal.parse({ kind: 'flow', iccid: iccid(1), destination: '10.0.0.1', port: 443, protocol: 'tcp', bytes: 5_000_000, at });
    await run(batch('north', [usage(400_000), flow, Signal.parse({ kind: 'sms', iccid: iccid(1), direction: 'mo', party: '+4915112345678', at })]));
    expect(await counters.read('acme', eid(1), '2026-12')).toMatchObject({ bytes: 400_000, sms: 1, byMno: { north: { bytes: 400_000, sms: 1 } }, days: { '05': 400_000 } });
    expect((await alerts('acme', 1, 'usage-over-cap')).latest).toBeUndefined();
    await run(batch('north', [usage(700_000)], 'b2'));
    expect((await alerts('acme', 1, 'usage-over-cap')).latest).toMatchObject({ evidence: { cycleBytes: 1_100_000, capBytes: 1_000_000 } });
  });

  it('an SMS party is kept redacted in the evidence', async () => {
    await governedBy('acme', { sms: { mt: ['+49*'] } });
    await activeSim('acme', 1);
    await run(batch('north', [Signal.parse({ kind: 'sms', iccid: iccid(1), direction: 'mt', party: '+3312345678', at })]));
    expect((await alerts('acme', 1, 'sms-not-allowed')).latest!.evidence.party).toBe('+33123•••••');
  });

  it('a contained SIM is released by a person only; where two are asked for, one asks and another approves', async () => {
    await governedBy('acme', { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } }, { releaseApprovals: 2 });
    await activeSim('acme', 1);
    await run(batch('north', [attach(1, imei(99))]));
    const resume = (actor: string) => executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ResumeSim', actor }, ctx(actor));
    await expect(resume('switchboard:fallback')).rejects.toMatchObject({ code: 'release-by-person' });
    await resume('alice');
    expect(await sim('acme', 1)).toMatchObject({ status: 'suspended', containment: { releaseRequestedBy: 'alice' } });
    await expect(resume('alice')).rejects.toMatchObject({ code: 'same-approver' });
    expect((await sim('acme', 1)).status).toBe('suspended');
    await resume('bob');
    expect(await sim('acme', 1)).toMatchObject({ status: 'active', containment: undefined });
    const resumed = (await store.load(simStream('acme', eid(1)))).commits.flatMap((c) => c.events).find((e) => e.type === 'SimResumed');
    expect(resumed!.data).toMatchObject({ release: { requestedBy: 'alice', approvedBy: 'bob' } });
  });

  it('a batch whose only SIM fails after its usage was counted comes back marked counted, not thrown (which would have the queue deliver it whole, and count it, again)', async () => {
    await governedBy('acme', { caps: { dataMbPerMonth: 1 } });
    await activeSim('acme', 1);
    let failOnce = true;
    const flaky = Object.create(store) as MemoryEventStore;
    flaky.append = async (...args: Parameters<MemoryEventStore['append']>) => {
      if (failOnce && String(args[0]).includes('#ALERT#')) {
        failOnce = false;
        throw new Error('ProvisionedThroughputExceeded');
      }
      return store.append(...args);
    };
    const once = Signal.parse({ kind: 'usage', iccid: iccid(1), bytes: 2_000_000, at });
    const rest = await processSignalBatch({ ...ports(), store: flaky }, contextCache((i) => loadSimContext(store, i), Date.now), batch('north', [once]));
    expect(rest).toMatchObject({ counted: [`${iccid(1)}|2026-12-05`], requeues: 1 });
    expect(await processSignalBatch(ports(), contextCache((i) => loadSimContext(store, i), Date.now), rest!)).toBeUndefined();
    expect((await counters.read('acme', eid(1), '2026-12'))!.bytes).toBe(2_000_000);
    expect((await alerts('acme', 1, 'usage-over-cap')).latest).toMatchObject({ status: 'open' });
  });

  it('a SIM a person released while its alert stays open is contained again at the next detection; a policy tightened to suspend contains an alert raised under alert', async () => {
    await governedBy('acme', { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } });
    await activeSim('acme', 1);
    await run(batch('north', [attach(1, imei(99))]));
    await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ResumeSim', actor: 'alice' }, ctx('alice'));
    expect((await sim('acme', 1)).status).toBe('active');
    await run(batch('north', [attach(1, imei(99))], 'b2'));
    expect((await sim('acme', 1)).status).toBe('suspended');

    await governedBy('globex', { imeiLock: true });
    await activeSim('globex', 2);
    await run(batch('north', [attach(2, imei(98))]));
    expect((await sim('globex', 2)).status).toBe('active');
    await executeCommand(store, policyDecider, policyStream('globex', 'fleet'), { type: 'SetPolicyDraft', actor: 'alice', policyId: 'fleet', document: PolicyDocument.parse({ imeiLock: true, responses: { 'imei-mismatch': 'suspend' } }) }, ctx('alice'));
    await executeCommand(store, policyDecider, policyStream('globex', 'fleet'), { type: 'PublishPolicy', actor: 'alice', policyId: 'fleet', cascadeId: 'fleet-globex-2' }, ctx('alice'));
    await run(batch('north', [attach(2, imei(98))], 'b3'));
    expect((await sim('globex', 2)).status).toBe('suspended');
    expect((await alerts('globex', 2, 'imei-mismatch')).latest).toMatchObject({ contained: true, response: 'suspend' });
  });

  it('quarantine: a SIM talking where its policy forbids is kept active but quarantined by the guard (its MNO to hold it to the management destinations); a person releases it', async () => {
    await governedBy('acme', { data: { destinations: [{ cidr: '10.0.0.0/8', protocol: 'tcp' }] }, responses: { 'destination-not-allowed': 'quarantine' }, quarantine: { destinations: [{ cidr: '198.51.100.0/24', protocol: 'tcp', ports: [443] }] } });
    await activeSim('acme', 1);
    await run(batch('north', [Signal.parse({ kind: 'flow', iccid: iccid(1), destination: '203.0.113.9', port: 22, protocol: 'tcp', bytes: 100, at })]));
    const { latest } = await alerts('acme', 1, 'destination-not-allowed');
    const quarantined = await sim('acme', 1);
    expect(quarantined).toMatchObject({ status: 'active', quarantined: true, containment: { alertId: latest!.alertId, kind: 'destination-not-allowed' } });
    expect(latest).toMatchObject({ contained: true, response: 'quarantine' });
    const { desiredSimState } = await import('../../domain/cascade/process.ts');
    expect(desiredSimState(quarantined)).toBe('quarantined');
    await expect(executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ResumeSim', actor: 'switchboard:fallback' }, ctx('switchboard:fallback'))).rejects.toMatchObject({ code: 'release-by-person' });
    await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ResumeSim', actor: 'alice' }, ctx('alice'));
    expect(await sim('acme', 1)).toMatchObject({ status: 'active', quarantined: undefined, containment: undefined });
  });

  it('a record of a time beyond millisecond precision is refused at the edge', async () => {
    expect(Signal.safeParse({ kind: 'usage', iccid: iccid(1), bytes: 1, at: `2026-12-05T10:00:00.${'1'.repeat(400)}Z` }).success).toBe(false);
  });

  it('what fails for one SIM comes back as a batch of its own, marked counted; the others are done', async () => {
    await activeSim('acme', 1);
    await activeSim('acme', 2);
    const failing = { ...counters, add: async (c: Parameters<typeof counters.add>[0]) => (c.eid === eid(2) ? Promise.reject(new Error('throttled')) : counters.add(c)) };
    const usage = (n: number) => Signal.parse({ kind: 'usage', iccid: iccid(n), bytes: 10, at });
    const rest = await processSignalBatch({ ...ports(), counters: failing }, contextCache((i) => loadSimContext(store, i), Date.now), batch('north', [usage(1), usage(2)]));
    expect(rest).toMatchObject({ signals: [{ iccid: iccid(2) }], counted: [] });
    expect((await counters.read('acme', eid(1), '2026-12'))!.bytes).toBe(10);
  });
});
