import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { registerSim } from '../../application/sims/register.ts';
import { identifierClaimStream } from '../../application/stream-ids.ts';
import { REGISTRATION_LOCK_MS, identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

/** Registration claims identifiers platform-wide; a refused one leaves none behind. */
const store = new MemoryEventStore();
const context = (actor: string) => ({ actor, correlationId: 'c', region: 'local' });
const profile = (n: number) => ({ iccid: iccid(n), mno: 'northwind-de', imsi: imsi(n), fallback: false });
const holderOf = async (kind: 'eid' | 'iccid' | 'imsi', value: string) =>
  (await (await import('../../application/load-state.ts')).loadState(store, identifierClaimDecider, identifierClaimStream(kind, value))).state.holder;

beforeAll(() => seedMnosAndTenants(store, ['northwind-de'], ['acme', 'globex']));

describe('registering a SIM', () => {
  it('refused because another SIM holds one of its ICCIDs: nothing it claimed stays claimed, so its EID can be registered after', async () => {
    await registerSim(store, 'acme', { eid: eid(1), profiles: [profile(1)] }, context('alice'));
    const refused = registerSim(store, 'globex', { eid: eid(2), profiles: [profile(2), { ...profile(3), iccid: iccid(1) }] }, context('eve'));
    await expect(refused).rejects.toMatchObject({ code: 'iccid-in-use' });
    expect(await holderOf('eid', eid(2))).toBeUndefined();
    expect(await holderOf('iccid', iccid(2))).toBeUndefined();
    expect(await holderOf('imsi', imsi(3))).toBeUndefined();
    expect(await holderOf('iccid', iccid(1))).toEqual({ tenant: 'acme', eid: eid(1) });
    const registered = await registerSim(store, 'acme', { eid: eid(2), profiles: [profile(2)] }, context('alice'));
    expect(registered.state).toMatchObject({ status: 'inventory', eid: eid(2) });
  });

  it('retried after a crash between its claims: the retry completes it', async () => {
    const holder = { tenant: 'acme', eid: eid(4) };
    await executeCommand(store, identifierClaimDecider, identifierClaimStream('eid', eid(4)), { type: 'ClaimIdentifier', kind: 'eid', holder }, context('alice'));
    await executeCommand(store, identifierClaimDecider, identifierClaimStream('iccid', iccid(4)), { type: 'ClaimIdentifier', kind: 'iccid', holder }, context('alice'));
    const registered = await registerSim(store, 'acme', { eid: eid(4), profiles: [profile(4)] }, context('alice'));
    expect(registered.changed).toBe(true);
    expect(await holderOf('imsi', imsi(4))).toEqual(holder);
  });

  it('the same SIM registered twice at once: one is registered, the other refused, and the SIM keeps every claim', async () => {
    const registration = { eid: eid(5), profiles: [profile(5)] };
    const outcomes = await Promise.allSettled([registerSim(store, 'acme', registration, context('alice')), registerSim(store, 'acme', registration, context('bob'))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    for (const [kind, value] of [['eid', eid(5)], ['iccid', iccid(5)], ['imsi', imsi(5)]] as const) expect(await holderOf(kind, value)).toEqual({ tenant: 'acme', eid: eid(5) });
  });

  it('an attempt that stopped between its claims holds the SIM for 30 s; then a retry takes over, completes it, and gives back what the stopped one claimed and it does not use', async () => {
    const holder = { tenant: 'acme', eid: eid(300) };
    const crashed = { token: 'crashed', at: new Date().toISOString(), identifiers: [{ kind: 'eid' as const, value: eid(300) }, { kind: 'iccid' as const, value: iccid(301) }] };
    await executeCommand(store, identifierClaimDecider, identifierClaimStream('eid', eid(300)), { type: 'ClaimIdentifier', kind: 'eid', holder, registration: crashed }, context('alice'));
    await executeCommand(store, identifierClaimDecider, identifierClaimStream('iccid', iccid(301)), { type: 'ClaimIdentifier', kind: 'iccid', holder }, context('alice'));
    await expect(registerSim(store, 'acme', { eid: eid(300), profiles: [profile(300)] }, context('alice'))).rejects.toMatchObject({ code: 'registration-in-progress' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + REGISTRATION_LOCK_MS + 1);
      expect((await registerSim(store, 'acme', { eid: eid(300), profiles: [profile(300)] }, context('alice'))).changed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    expect(await holderOf('iccid', iccid(300))).toEqual(holder);
    expect(await holderOf('iccid', iccid(301))).toBeUndefined();
  });
});
