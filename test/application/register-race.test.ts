import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { loadState } from '../../application/load-state.ts';
import { registerSim } from '../../application/sims/register.ts';
import { identifierClaimStream } from '../../application/stream-ids.ts';
import { identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { eid, iccid, imsi, unique } from '../support/ids.ts';
import { freshTables } from '../support/tables.ts';

/**
 * Two attempts at one SIM at once on DynamoDB Local, one refused for an ICCID another SIM holds:
 * before the EID was the registration's lock, the refused one gave back the claims the other
 * registered with, and another tenant could then take that ICCID (found by the attack on issue 10).
 */
let store: DynamoDbEventStore;
const context = (actor: string) => ({ actor, correlationId: 'c', region: 'local' });
const profile = (n: number) => ({ iccid: iccid(n), mno: 'northwind-de', imsi: imsi(n), fallback: false });
const holderOf = async (kind: 'eid' | 'iccid' | 'imsi', value: string) => (await loadState(store, identifierClaimDecider, identifierClaimStream(kind, value))).state.holder;

beforeAll(async () => {
  const tables = await freshTables();
  store = new DynamoDbEventStore(tables.client, tables.events);
  await seedMnosAndTenants(store, ['northwind-de'], ['acme', 'globex']);
});

describe('registering one SIM twice at once on DynamoDB Local', () => {
  it('what a refused attempt gives back is never what the other registered with: its identifiers stay claimed, another tenant cannot take them', async () => {
    const base = unique() % 1e9;
    await registerSim(store, 'acme', { eid: eid(base), profiles: [profile(base)] }, context('alice'));
    let registered = 0;
    for (let i = 1; i <= 20; i++) {
      const n = base + i * 3;
      const good = { eid: eid(n), profiles: [profile(n)] };
      const bad = { eid: eid(n), profiles: [profile(n), { ...profile(n + 1), iccid: iccid(base) }] };
      const [, other] = await Promise.allSettled([registerSim(store, 'acme', bad, context('alice')), registerSim(store, 'acme', good, context('bob'))]);
      if (other.status === 'rejected') {
        expect(other.reason).toMatchObject({ code: 'registration-in-progress' });
        continue;
      }
      registered++;
      for (const [kind, value] of [['eid', eid(n)], ['iccid', iccid(n)], ['imsi', imsi(n)]] as const) expect(await holderOf(kind, value), `${kind} of SIM ${i}`).toEqual({ tenant: 'acme', eid: eid(n) });
      await expect(registerSim(store, 'globex', { eid: eid(n + 2), profiles: [{ ...profile(n + 2), iccid: iccid(n) }] }, context('eve'))).rejects.toMatchObject({ code: 'iccid-in-use' });
    }
    expect(registered).toBeGreaterThan(0);
  });
});
