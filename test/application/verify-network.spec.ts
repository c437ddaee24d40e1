import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import type { SimStateAtMno } from '../../application/ports/mno-gateway.ts';
import { verifyNetwork } from '../../application/signals/verify-network.ts';
import { publishPolicy } from '../../application/policies/publish.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { registerSim } from '../../application/sims/register.ts';
import { alertStream, cascadeIndexStream, cascadeStream, mnoStream, policyStream, simStream } from '../../application/stream-ids.ts';
import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { alertDecider } from '../../domain/alerts/decider.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { verifyPortsOver } from '../support/verify-ports.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

/** The network read back (application/signals/verify-network.ts): what an MNO holds against the newest desired state, once it has settled. */
let store: MemoryEventStore;
let held: Record<string, SimStateAtMno>;
let clock: number;
const ctx = { actor: 'alice', correlationId: 'c', region: 'local' };
const ports = () => verifyPortsOver(store, [eid(1)], () => held, () => clock, 60_000);

beforeEach(async () => {
  store = new MemoryEventStore();
  held = {};
  await seedMnosAndTenants(store, ['north'], ['acme']);
  await executeCommand(store, mnoDecider, mnoStream('north'), { type: 'RecordVerification', checks: allChecksPassed() }, ctx);
  await registerSim(store, 'acme', { eid: eid(1), profiles: [{ iccid: iccid(1), mno: 'north', imsi: imsi(1), fallback: false }] }, ctx);
  await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ActivateSim', actor: 'alice' }, ctx);
  await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'SuspendSim', actor: 'alice' }, ctx);
  // Its cascade carried the suspension: the MNO confirmed holding it.
  await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'RecordObservedState', actor: 'switchboard:cascade', mno: 'north', state: 'suspended' }, ctx);
  clock = Date.now();
});

describe('verifying the network', () => {
  it('given a SIM suspended here and active at its MNO, once its change has settled, then state drift is an alert, what the MNO holds is recorded as observed, and the suspension is carried to the MNO again', async () => {
    held[iccid(1)] = 'active';
    expect((await verifyNetwork(ports())).found).toEqual([]);
    clock += 120_000;
    const { found, errors } = await verifyNetwork(ports());
    expect(errors).toEqual([]);
    expect(found).toEqual([{ mno: 'north', tenant: 'acme', kind: 'state-drift', subject: eid(1), differences: ['suspended desired, active held'] }]);
    const { latest } = (await loadState(store, alertDecider, alertStream('acme', eid(1), 'state-drift'))).state;
    expect(latest).toMatchObject({ status: 'open', eid: eid(1), iccid: iccid(1), evidence: { desired: 'suspended', held: 'active' } });
    expect((await loadState(store, simDecider, simStream('acme', eid(1)))).state).toMatchObject({ status: 'suspended', observed: { north: 'active' } });
    // The desired state is carried to the MNO again, by the guard, once for the alert.
    const corrections = async () => (await store.load(cascadeIndexStream('acme'))).commits.length;
    expect(await corrections()).toBe(1);
    const listed = (await store.load(cascadeIndexStream('acme'))).commits[0]!.events[0]!.data as { cascadeId: string };
    expect((await loadState(store, cascadeDecider, cascadeStream('acme', listed.cascadeId))).state).toMatchObject({ status: 'running', subject: { kind: 'sim-state', eid: eid(1), state: 'suspended' }, startedBy: 'switchboard:guard' });
    // Found again before the correction lands (the MNO now observed active): no second alert, no second correction.
    await verifyNetwork(ports());
    expect((await loadState(store, alertDecider, alertStream('acme', eid(1), 'state-drift'))).state).toMatchObject({ seq: 1, latest: { count: 1 } });
    expect(await corrections()).toBe(1);
  });

  it('a desired state the MNO never confirmed (a person’s change still on its way, or failed) is not drift', async () => {
    await executeCommand(store, simDecider, simStream('acme', eid(1)), { type: 'ResumeSim', actor: 'alice' }, ctx);
    held[iccid(1)] = 'suspended';
    clock += 120_000;
    expect((await verifyNetwork(ports())).found).toEqual([]);
    expect((await loadState(store, simDecider, simStream('acme', eid(1)))).state).toMatchObject({ status: 'active' });
  });

  it('an MNO holding what is desired: nothing', async () => {
    held[iccid(1)] = 'suspended';
    clock += 120_000;
    expect((await verifyNetwork(ports())).found).toEqual([]);
  });

  it('an MNO in outage is not asked', async () => {
    held[iccid(1)] = 'active';
    clock += 120_000;
    await executeCommand(store, mnoDecider, mnoStream('north'), { type: 'DeclareOutage', reason: 'down' }, ctx);
    expect((await verifyNetwork(ports())).found).toEqual([]);
  });

  describe('a published policy', () => {
    /** Publishes a policy and completes its cascade with the MNO's target as `status`. */
    const published = async (status: 'verified' | 'failed') => {
      await executeCommand(store, policyDecider, policyStream('acme', 'fleet'), { type: 'SetPolicyDraft', policyId: 'fleet', document: { data: { apns: ['iot.acme'] } }, actor: 'alice' }, ctx);
      await publishPolicy(store, 'acme', 'fleet', 'c-fleet', ctx);
      await executeCommand(store, cascadeDecider, cascadeStream('acme', 'c-fleet'), { type: 'CompleteCascade', targets: [{ mno: 'north', status, attempts: 1 }] }, ctx);
    };
    const policyPorts = () => verifyPortsOver(store, [], () => held, () => clock, 60_000, { ids: ['fleet'], held: undefined });

    it('verified at the MNO and now not held there: policy drift, alerted, and the version given to it again', async () => {
      await published('verified');
      const { found } = await verifyNetwork(policyPorts());
      expect(found).toMatchObject([{ mno: 'north', tenant: 'acme', kind: 'policy-drift', subject: 'fleet' }]);
    });

    it('never confirmed there (its cascade failed at the MNO): not drift', async () => {
      await published('failed');
      expect((await verifyNetwork(policyPorts())).found).toEqual([]);
    });
  });
});
