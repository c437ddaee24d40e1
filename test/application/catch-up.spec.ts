import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import type { BusEvent } from '../../application/bus-events.ts';
import { UNRECORDED_GRACE_MS, catchUpAfter, type CatchUpPorts } from '../../application/cascades/catch-up.ts';
import { executeCommand } from '../../application/command.ts';
import { publishPolicy } from '../../application/policies/publish.ts';
import { planSimCascade } from '../../application/cascades/plan-sim-cascade.ts';
import { simCascadeId } from '../../application/cascades/cascade-ids.ts';
import { cascadeStream, enterpriseStream, mnoStream, policyStream, simStream } from '../../application/stream-ids.ts';
import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { eid, iccid } from '../support/ids.ts';

/**
 * Catch-up (application/cascades/catch-up.ts): an MNO that becomes available, or that an
 * enterprise newly chooses, gets the current policies and SIM states it was not given, by
 * cascades of the platform's, once per change.
 */
const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
const alice = { actor: 'alice', correlationId: 'c', region: 'local' };
const registration = (id: string) => ({
  id,
  name: id,
  plmns: ['262-91'],
  countries: ['DE'],
  api: { style: 'rest-oauth2' as const, endpoint: `https://${id}.example`, credentialsRef: `secret://mno/${id}` },
  capabilities: [],
});

let store: MemoryEventStore;
let ports: CatchUpPorts;
const sim = eid(7);

/** The stream's last event, as the bus carries it. */
const published = async (streamId: string, tenant: string | null = null): Promise<BusEvent> => {
  const { commits } = await store.load(streamId);
  const commit = commits.at(-1)!;
  const event = commit.events.at(-1)!;
  return {
    id: `bus-${event.id}`,
    source: 'switchboard',
    'detail-type': event.type,
    time: commit.metadata.time,
    detail: { tenant, streamId, version: event.version, eventId: event.id, schemaVersion: event.schemaVersion, data: event.data, metadata: commit.metadata },
  } as BusEvent;
};
const mno = (id: string, command: Parameters<typeof mnoDecider.decide>[0]) => executeCommand(store, mnoDecider, mnoStream(id), command, ops);
const catchUps = async () =>
  (await store.load('T#acme#CASCADES')).commits
    .flatMap((c) => c.events.map((e) => (e.data as { cascadeId: string }).cascadeId))
    .filter((id) => id.startsWith('catch-up-'));
/** Publishes the policy; its cascade's planning skips north, which is down. */
const publishedWhileDown = async () => {
  const { cascadeId } = await publishPolicy(store, 'acme', 'fleet', 'c-1', alice);
  await executeCommand(store, cascadeDecider, cascadeStream('acme', cascadeId!), { type: 'CompleteCascade', targets: [{ mno: 'north', status: 'skipped', attempts: 0, lastError: 'outage' }] }, ops);
};
/** The SIM, registered with one profile on north, and activated. */
const activeSimOnNorth = async () => {
  await executeCommand(store, simDecider, simStream('acme', sim), { type: 'RegisterSim', eid: sim, profiles: [{ iccid: iccid(7), mno: 'north', imsi: '262910000000007', fallback: false }], allowedMnos: { north: ['262-91'] }, actor: 'alice' }, alice);
  await executeCommand(store, simDecider, simStream('acme', sim), { type: 'ActivateSim', actor: 'alice' } as never, alice);
};
const startedOf = async (cascadeId: string) => eventsOf((await store.load(cascadeStream('acme', cascadeId))).commits)[0];

beforeEach(async () => {
  store = new MemoryEventStore();
  for (const id of ['north', 'south']) {
    await mno(id, { type: 'RegisterMno', registration: registration(id) });
    await mno(id, { type: 'RecordVerification', checks: allChecksPassed('test') });
  }
  await executeCommand(store, enterpriseDecider, enterpriseStream('acme'), { type: 'OnboardEnterprise', tenantId: 'acme', name: 'Acme' }, ops);
  await executeCommand(store, enterpriseDecider, enterpriseStream('acme'), { type: 'ChooseMnos', mnos: ['north'], registered: ['north', 'south'] }, alice);
  ports = {
    store,
    region: 'local',
    now: () => Date.now(),
    tenantsUsing: async () => ['acme'],
    policiesOf: async () => ['fleet'],
    simsOn: async (_tenant, on) => (on === 'north' ? [sim] : []),
  };
  await executeCommand(store, policyDecider, policyStream('acme', 'fleet'), { type: 'SetPolicyDraft', policyId: 'fleet', document: { data: { apns: ['iot.acme'] } } as never, actor: 'alice' }, alice);
});

describe('catching an MNO up', () => {
  it('given a policy published while the MNO was in outage (its target skipped), when the outage clears, then one catch-up cascade carries the latest version there, attributed to the platform; the same event again records nothing', async () => {
    await mno('north', { type: 'DeclareOutage', reason: 'maintenance' });
    const { cascadeId } = await publishPolicy(store, 'acme', 'fleet', 'c-1', alice);
    await executeCommand(store, cascadeDecider, cascadeStream('acme', cascadeId!), { type: 'CompleteCascade', targets: [{ mno: 'north', status: 'skipped', attempts: 0, lastError: 'outage' }] }, ops);
    await mno('north', { type: 'ClearOutage' });
    const cleared = await published(mnoStream('north'));

    const caught = await catchUpAfter(ports, cleared);
    expect(caught).toMatchObject([{ tenant: 'acme', mno: 'north', subject: { kind: 'policy', policyId: 'fleet', version: 1 }, how: 'recorded' }]);
    const [id] = await catchUps();
    const started = await store.load(cascadeStream('acme', id!));
    expect(eventsOf(started.commits)[0]).toMatchObject({ type: 'CascadeStarted', data: { targets: ['north'], subject: { kind: 'policy', version: 1 } } });
    expect(started.commits[0]!.metadata.actor).toBe('switchboard:catch-up');

    expect(await catchUpAfter(ports, cleared)).toEqual([]);
    expect(await catchUps()).toHaveLength(1);
  });

  it('given the MNO confirmed the latest version already, or was available all along, then nothing is recorded', async () => {
    const { cascadeId } = await publishPolicy(store, 'acme', 'fleet', 'c-1', alice);
    await executeCommand(store, cascadeDecider, cascadeStream('acme', cascadeId!), { type: 'CompleteCascade', targets: [{ mno: 'north', status: 'verified', attempts: 1 }] }, ops);
    await mno('north', { type: 'DeclareOutage', reason: 'maintenance' });
    await mno('north', { type: 'ClearOutage' });
    expect(await catchUpAfter(ports, await published(mnoStream('north')))).toEqual([]);
    // Verified again while verified (the local runtime does so at every start): not a change of availability.
    await mno('north', { type: 'RecordVerification', checks: allChecksPassed('again') });
    expect(await catchUpAfter(ports, await published(mnoStream('north')))).toEqual([]);
  });

  it('given an MNO the enterprise newly chooses, then the latest version of each published policy goes there', async () => {
    await publishPolicy(store, 'acme', 'fleet', 'c-1', alice);
    await executeCommand(store, enterpriseDecider, enterpriseStream('acme'), { type: 'ChooseMnos', mnos: ['north', 'south'], registered: ['north', 'south'] }, alice);
    const caught = await catchUpAfter(ports, await published(enterpriseStream('acme'), 'acme'));
    expect(caught).toMatchObject([{ mno: 'south', subject: { kind: 'policy', version: 1 }, how: 'recorded' }]);
  });

  it('given a SIM whose state the MNO has not confirmed (its activation skipped there), then its state is carried there; once confirmed, nothing', async () => {
    await mno('north', { type: 'DeclareOutage', reason: 'down' });
    await activeSimOnNorth();
    const activated = await published(simStream('acme', sim), 'acme');
    await planSimCascade(store, 'local', activated);
    const own = simCascadeId(activated.detail.streamId, activated.detail.version);
    await executeCommand(store, cascadeDecider, cascadeStream('acme', own), { type: 'CompleteCascade', targets: [{ mno: 'north', status: 'skipped', attempts: 0, lastError: 'outage' }] }, ops);
    await mno('north', { type: 'ClearOutage' });
    const cleared = await published(mnoStream('north'));
    expect(await catchUpAfter(ports, cleared)).toMatchObject([{ mno: 'north', subject: { kind: 'sim-state', eid: sim, state: 'active' }, how: 'recorded' }]);
    await executeCommand(store, simDecider, simStream('acme', sim), { type: 'RecordObservedState', mno: 'north', state: 'active', actor: 'switchboard:cascade' } as never, ops);
    await mno('north', { type: 'DeclareOutage', reason: 'down again' });
    await mno('north', { type: 'ClearOutage' });
    expect(await catchUpAfter(ports, await published(mnoStream('north')))).toEqual([]);
  });

  it('given the SIM change’s own cascade still on its way to the MNO, then catch-up leaves it to that cascade', async () => {
    await activeSimOnNorth();
    const activated = await published(simStream('acme', sim), 'acme');
    await planSimCascade(store, 'local', activated);
    // The MNO was verified for the first time meanwhile (a new MNO's registration): its SIM's own cascade is still running.
    await mno('north', { type: 'DeclareOutage', reason: 'down' });
    await mno('north', { type: 'ClearOutage' });
    expect(await catchUpAfter(ports, await published(mnoStream('north')))).toEqual([]);
  });

  it('given a SIM change whose own cascade was never recorded (its event lost to a crash), then past the grace it is owed', async () => {
    await activeSimOnNorth();
    await mno('north', { type: 'DeclareOutage', reason: 'down' });
    await mno('north', { type: 'ClearOutage' });
    const cleared = await published(mnoStream('north'));
    expect(await catchUpAfter(ports, cleared)).toEqual([]);
    const later = { ...ports, now: () => Date.now() + UNRECORDED_GRACE_MS + 1 };
    expect(await catchUpAfter(later, cleared)).toMatchObject([{ mno: 'north', subject: { kind: 'sim-state', state: 'active' }, how: 'recorded' }]);
  });

  it('given a catch-up that did not succeed, when the MNO becomes available again, then that cascade is redriven rather than a second recorded', async () => {
    await mno('north', { type: 'DeclareOutage', reason: 'down' });
    await publishedWhileDown();
    await mno('north', { type: 'ClearOutage' });
    const [first] = await catchUpAfter(ports, await published(mnoStream('north')));
    await executeCommand(store, cascadeDecider, cascadeStream('acme', first!.cascadeId), { type: 'CompleteCascade', targets: [{ mno: 'north', status: 'failed', attempts: 12, lastError: 'timeout' }] }, ops);
    await mno('north', { type: 'DeclareOutage', reason: 'down again' });
    await mno('north', { type: 'ClearOutage' });
    expect(await catchUpAfter(ports, await published(mnoStream('north')))).toMatchObject([{ cascadeId: first!.cascadeId, how: 'redriven' }]);
    expect(await catchUps()).toHaveLength(1);
    expect((await startedOf(first!.cascadeId))?.type).toBe('CascadeStarted');
  });

  it('given the enterprise is suspended, or the MNO is down again by the time the event is handled, then nothing is recorded', async () => {
    await mno('north', { type: 'DeclareOutage', reason: 'down' });
    await publishedWhileDown();
    await mno('north', { type: 'ClearOutage' });
    const cleared = await published(mnoStream('north'));
    await executeCommand(store, enterpriseDecider, enterpriseStream('acme'), { type: 'SuspendEnterprise' }, ops);
    expect(await catchUpAfter(ports, cleared)).toEqual([]);
    await executeCommand(store, enterpriseDecider, enterpriseStream('acme'), { type: 'ReinstateEnterprise' }, ops);
    await mno('north', { type: 'DeclareOutage', reason: 'down again' });
    expect(await catchUpAfter(ports, cleared)).toEqual([]);
    // Reinstated while it was down: once it is up, the reinstatement brings every chosen MNO up to date.
    await mno('north', { type: 'ClearOutage' });
    expect(await catchUpAfter(ports, await published(enterpriseStream('acme'), 'acme'))).toMatchObject([{ mno: 'north', how: 'recorded' }]);
  });
});
