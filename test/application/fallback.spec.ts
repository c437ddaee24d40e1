import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import type { BusEvent } from '../../application/bus-events.ts';
import { executeCommand } from '../../application/command.ts';
import { loadState } from '../../application/load-state.ts';
import { FALLBACK_ACTOR, fallBack, type FallbackPorts } from '../../application/sims/fallback.ts';
import { bulkStream, enterpriseStream, mnoStream } from '../../application/stream-ids.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { seedMnosAndTenants } from '../support/seed.ts';

/** Fallback as a process manager (application/sims/fallback.ts): which bulk operations an MNO's outage, and its end, start. */
let store: MemoryEventStore;
let started: string[];
const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
const ports = (): FallbackPorts => ({
  store,
  region: 'local',
  tenantsUsing: async () => ['acme', 'globex'],
  // Newest first, as the read model lists them.
  recentOperationsBy: async (tenant) => started.filter((s) => s.startsWith(`${tenant}/`)).map((s) => s.split('/')[1]!).reverse(),
  nowMs: () => Date.parse('2026-12-05T10:00:00Z'),
});
const event = (type: 'MnoOutageDeclared' | 'MnoOutageCleared', eventId: string): BusEvent => ({
  id: eventId,
  source: 'switchboard',
  'detail-type': type,
  time: '2026-12-05T10:00:00Z',
  detail: { tenant: null, streamId: mnoStream('north'), version: 3, eventId, schemaVersion: 1, data: {}, metadata: { actor: 'ops', commandId: 'x', correlationId: 'c', region: 'local', time: '2026-12-05T10:00:00Z' } },
});
const run = async (e: BusEvent) => {
  const outcome = await fallBack(ports(), e);
  for (const o of outcome?.operations ?? []) if (!started.includes(`${o.tenant}/${o.bulkId}`)) started.push(`${o.tenant}/${o.bulkId}`);
  return outcome;
};
const down = () => executeCommand(store, mnoDecider, mnoStream('north'), { type: 'DeclareOutage', reason: 'core down' }, ops);
const up = () => executeCommand(store, mnoDecider, mnoStream('north'), { type: 'ClearOutage' }, ops);
const op = async (tenant: string, id: string) => (await loadState(store, bulkDecider, bulkStream(tenant, id))).state as any;

beforeEach(async () => {
  store = new MemoryEventStore();
  started = [];
  await seedMnosAndTenants(store, ['north', 'south'], ['acme', 'globex']);
  for (const id of ['north', 'south']) await executeCommand(store, mnoDecider, mnoStream(id), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
  await executeCommand(store, enterpriseDecider, enterpriseStream('acme'), { type: 'ChangeSettings', settings: { fallbackReturn: 'automatic', fallbackReturnAfterSeconds: 300 } }, ops);
});

describe('fallback, as a process manager', () => {
  it('given an MNO in outage, then each enterprise that chose it gets one bulk operation away from it, over its active SIMs enabled there, attributed to fallback; the event again starts nothing more', async () => {
    await down();
    const first = await run(event('MnoOutageDeclared', 'e1'));
    expect(first!.operations.map((o) => o.tenant)).toEqual(['acme', 'globex']);
    const acme = await op('acme', first!.operations[0]!.bulkId);
    expect(acme).toMatchObject({ status: 'running', startedBy: FALLBACK_ACTOR, request: { action: 'enable-profile', awayFrom: 'north', selector: { enabledOn: 'north', state: 'active' } } });
    const again = await run(event('MnoOutageDeclared', 'e1'));
    expect(again!.operations).toEqual(first!.operations);
    expect((await store.load(bulkStream('acme', first!.operations[0]!.bulkId))).commits).toHaveLength(1);
  });

  it('given the outage cleared before the event arrives, then nothing starts', async () => {
    await down();
    await up();
    expect(await run(event('MnoOutageDeclared', 'e1'))).toEqual({ mno: 'north', operations: [] });
  });

  it('given the outage cleared, then only the enterprise with automatic return gets the SIMs of its fallback back, after its hold-down', async () => {
    await down();
    const declared = await run(event('MnoOutageDeclared', 'e1'));
    await up();
    const cleared = await run(event('MnoOutageCleared', 'e2'));
    expect(cleared!.operations.map((o) => o.tenant)).toEqual(['acme']);
    const fallbackId = declared!.operations.find((o) => o.tenant === 'acme')!.bulkId;
    expect(await op('acme', cleared!.operations[0]!.bulkId)).toMatchObject({
      startedBy: FALLBACK_ACTOR,
      notBefore: '2026-12-05T10:05:00.000Z',
      request: { action: 'enable-profile', mno: 'north', selector: { operation: fallbackId, outcome: 'succeeded' } },
    });
    // In outage again by the time the clearing is delivered: no return.
    await down();
    expect(await run(event('MnoOutageCleared', 'e2'))).toEqual({ mno: 'north', operations: [] });
  });
});

describe('fallback when outages overlap', () => {
  it('given a fallback still running when the MNO recovers, then it is cancelled (SIMs not yet moved stay)', async () => {
    await down();
    const declared = await run(event('MnoOutageDeclared', 'e1'));
    await up();
    await run(event('MnoOutageCleared', 'e2'));
    for (const { tenant, bulkId } of declared!.operations) expect(await op(tenant, bulkId)).toMatchObject({ cancelled: { by: FALLBACK_ACTOR, reason: 'north recovered' } });
  });

  it('given an outage declared again before the return ran, then the next clearing returns the first fallback’s SIMs too', async () => {
    await down();
    const first = await run(event('MnoOutageDeclared', 'e1'));
    await up();
    await run(event('MnoOutageCleared', 'e2'));
    await down();
    const second = await run(event('MnoOutageDeclared', 'e3'));
    await up();
    const cleared = await run(event('MnoOutageCleared', 'e4'));
    const selected = await Promise.all(cleared!.operations.map(async ({ tenant, bulkId }) => (await op(tenant, bulkId)).request.selector.operation));
    const acme = (o: { operations: { tenant: string; bulkId: string }[] } | undefined) => o!.operations.find((x) => x.tenant === 'acme')!.bulkId;
    expect(selected.sort()).toEqual([acme(first), acme(second)].sort());
  });

  it('given one enterprise whose operation cannot start, then the others’ still do, and the event fails to be delivered again', async () => {
    await down();
    const failing: FallbackPorts = { ...ports(), tenantsUsing: async () => ['nobody-here', 'acme'] };
    await expect(fallBack(failing, event('MnoOutageDeclared', 'e1'))).rejects.toMatchObject({ code: 'mno-not-chosen' });
    // Acme's operation started all the same (its id derives from the event and the tenant).
    const acmeOperation = `bulk-${createHash('sha256').update('e1|acme').digest('hex').slice(0, 24)}`;
    expect(await op('acme', acmeOperation)).toMatchObject({ status: 'running', startedBy: FALLBACK_ACTOR });
  });
});
