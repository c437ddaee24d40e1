import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import type { BusEvent } from '../../application/bus-events.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import { SmdpError, type Es2Plus } from '../../application/ports/smdp.ts';
import { placeProfileOrder, requestProfileOrder, type OrderPorts } from '../../application/sims/order-profile.ts';
import { registerSim } from '../../application/sims/register.ts';
import { identifierClaimStream, mnoStream, simStream } from '../../application/stream-ids.ts';
import { identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { eid, iccid, imsi } from '../support/ids.ts';
import { seedMnosAndTenants } from '../support/seed.ts';

/** Placing an order (application/sims/order-profile.ts) with SM-DP+s that refuse, break, or answer nonsense. */
const EID = eid(61);
const NEW_ICCID = iccid(6199);
const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
let store: MemoryEventStore;
let codes: Map<string, string>;

beforeEach(async () => {
  store = new MemoryEventStore();
  codes = new Map();
  await seedMnosAndTenants(store, ['north', 'south'], ['acme']);
  for (const id of ['north', 'south']) {
    await executeCommand(store, mnoDecider, mnoStream(id), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
    await executeCommand(store, mnoDecider, mnoStream(id), { type: 'ChangeMnoApi', api: { style: 'rest-oauth2', endpoint: `https://${id}.example`, credentialsRef: `secret://mno/${id}`, smdpEndpoint: `https://smdp.${id}.example` } }, ops);
  }
  await registerSim(store, 'acme', { eid: EID, profiles: [{ iccid: iccid(611), mno: 'north', imsi: imsi(611), fallback: false }] }, ops);
});

const ports = (smdp: Partial<Es2Plus>): OrderPorts => ({
  store,
  region: 'local',
  admit: async () => undefined,
  smdp: async () => ({ downloadOrder: async () => ({ iccid: NEW_ICCID }), confirmOrder: async () => ({ matchingId: 'ABC123', smdpAddress: 'smdp.south.example' }), ...smdp }),
  activationCodes: { put: async (_t, _e, i, code) => void codes.set(i, code), get: async (_t, _e, i) => codes.get(i), remove: async (_t, _e, i) => void codes.delete(i) },
});
const requested = async () => {
  const { state } = await requestProfileOrder(store, 'acme', EID, 'south', ops);
  const order = (state as { orders: { orders: readonly { orderId: string }[] } }).orders.orders.at(-1)!;
  const event = { id: 'e', source: 'switchboard', 'detail-type': 'ProfileOrderRequested', time: '', detail: { tenant: 'acme', streamId: simStream('acme', EID), version: 2, eventId: 'e', schemaVersion: 1, data: { orderId: order.orderId, mno: 'south' }, metadata: { actor: 'a', commandId: 'x', correlationId: 'c', region: 'local', time: '' } } } as BusEvent;
  return event;
};
const holderOf = async (value: string) => (await loadState(store, identifierClaimDecider, identifierClaimStream('iccid', value))).state.holder;
const sim = async () => (await loadState(store, simDecider, simStream('acme', EID))).state as any;

describe('placing a profile order', () => {
  it('ordered: the ICCID claimed for this SIM, the code kept apart, the profile `ordered`', async () => {
    expect(await placeProfileOrder(ports({}), await requested())).toMatchObject({ status: 'ordered' });
    expect(await holderOf(NEW_ICCID)).toEqual({ tenant: 'acme', eid: EID });
    expect(codes.get(NEW_ICCID)).toBe('1$smdp.south.example$ABC123');
    expect((await sim()).profiles.at(-1)).toMatchObject({ iccid: NEW_ICCID, state: 'ordered' });
  });

  it('refused by the SM-DP+ after the ICCID was claimed: the order fails in its words and the claim is given back', async () => {
    const outcome = await placeProfileOrder(ports({ confirmOrder: async () => Promise.reject(new SmdpError('ES2+ confirmOrder failed: 8.1.1 3.10 the EID does not match')) }), await requested());
    expect(outcome).toMatchObject({ status: 'failed', reason: 'ES2+ confirmOrder failed: 8.1.1 3.10 the EID does not match' });
    expect(await holderOf(NEW_ICCID)).toBeUndefined();
    expect(codes.size).toBe(0);
  });

  it('broken on Switchboard’s side: the tenant reads a plain reason, never the error’s text (which may name accounts, paths, secrets)', async () => {
    const outcome = await placeProfileOrder(ports({ downloadOrder: async () => Promise.reject(new Error('AccessDenied: arn:aws:iam::123456789012:role/x on switchboard/activation-codes/acme')) }), await requested());
    expect(outcome).toMatchObject({ status: 'failed' });
    const order = (await sim()).orders.orders.at(-1);
    expect(order.reason).not.toContain('arn:');
    expect(order.reason).toContain('order again');
  });

  it('reads the SIM’s stream once, and records the outcome after what it read, whether the order is placed or fails', async () => {
    const loads = vi.spyOn(store, 'load');
    try {
      for (const smdp of [{ confirmOrder: async () => Promise.reject(new SmdpError('ES2+ confirmOrder failed: 8.1.1 3.10 the EID does not match')) }, {}]) {
        const event = await requested();
        loads.mockClear();
        await placeProfileOrder(ports(smdp), event);
        expect(loads.mock.calls.filter(([s]) => s === simStream('acme', EID))).toHaveLength(1);
      }
    } finally {
      loads.mockRestore();
    }
  });

  it('placed again after it succeeded (the event delivered twice): nothing more', async () => {
    const event = await requested();
    await placeProfileOrder(ports({}), event);
    expect(await placeProfileOrder(ports({}), event)).toEqual({ orderId: expect.any(String), status: 'ordered' });
    expect((await sim()).profiles.filter((p: any) => p.iccid === NEW_ICCID)).toHaveLength(1);
  });
});
