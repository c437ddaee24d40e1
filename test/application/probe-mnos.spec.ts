import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { loadMno } from '../../application/mnos.ts';
import { MnoRateLimited, MnoTransientError, type MnoGateway } from '../../application/ports/mno-gateway.ts';
import { probeMnos } from '../../application/probe-mnos.ts';
import { mnoStream } from '../../application/stream-ids.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { seedMnosAndTenants } from '../support/seed.ts';

/** The health probe's sweep (application/probe-mnos.ts) over MNOs whose CMPs answer, fail, or cannot be reached at all. */
describe('probing every verified MNO', () => {
  it('a CMP that throttles (429) or is busy answers the probe: it serves, and no outage is counted; no answer or a 5xx fails it', async () => {
    const store = new MemoryEventStore();
    const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
    await seedMnosAndTenants(store, ['north', 'south', 'east'], []);
    for (const id of ['north', 'south', 'east']) await executeCommand(store, mnoDecider, mnoStream(id), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
    const answers: Record<string, MnoTransientError> = {
      north: new MnoTransientError('north answered 429', { status: 429 }),
      south: new MnoTransientError('south could not be reached (ECONNREFUSED)', { unanswered: true }),
      east: new MnoTransientError('east answered 502', { status: 502 }),
    };
    const { results } = await probeMnos({ store, region: 'local', admit: async () => undefined, nowMs: () => 0, failAfterMs: 60_000, gateway: async (r) => ({ readSimState: async () => Promise.reject(answers[r.id]) }) as unknown as MnoGateway });
    expect(Object.fromEntries(results.map((r) => [r.mno, r.ok]))).toEqual({ north: true, south: false, east: false });
  });

  it('one MNO whose gateway cannot be made (its credentials unreadable) is left out and reported; the others are probed and their failures counted', async () => {
    const store = new MemoryEventStore();
    const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
    await seedMnosAndTenants(store, ['north', 'south', 'east'], []);
    for (const id of ['north', 'south', 'east']) await executeCommand(store, mnoDecider, mnoStream(id), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
    const answering = { readSimState: async () => undefined } as unknown as MnoGateway;
    const failing = { readSimState: async () => Promise.reject(new MnoTransientError('HTTP 503 from north', { status: 503 })) } as unknown as MnoGateway;
    let now = Date.parse('2026-12-05T10:00:00Z');
    const ports = {
      store,
      region: 'local',
      admit: async () => undefined,
      nowMs: () => now,
      failAfterMs: 60_000,
      gateway: async (r: { id: string }) => {
        if (r.id === 'east') throw new Error('no credentials are stored under secret://mno/east');
        return r.id === 'north' ? failing : answering;
      },
    };
    const first = await probeMnos(ports);
    expect(first.errors).toEqual([{ mno: 'east', error: 'no credentials are stored under secret://mno/east' }]);
    expect(first.results.sort((a, b) => a.mno.localeCompare(b.mno))).toEqual([
      { mno: 'north', ok: false, changed: true },
      { mno: 'south', ok: true, changed: false },
    ]);
    now += 60_000;
    await probeMnos(ports);
    const north = await loadMno(store, 'north');
    expect(north).toMatchObject({ outage: { detectedBy: 'health-probe', reason: expect.stringContaining('HTTP 503 from north') } });
    expect(await loadMno(store, 'east')).not.toHaveProperty('probeFailingSince');
  });
});

describe('the probe and an operator’s outage', () => {
  it('does not ask an MNO an operator declared in outage (it stays so until an operator clears it)', async () => {
    const store = new MemoryEventStore();
    const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
    await seedMnosAndTenants(store, ['north'], []);
    await executeCommand(store, mnoDecider, mnoStream('north'), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
    await executeCommand(store, mnoDecider, mnoStream('north'), { type: 'DeclareOutage', reason: 'maintenance' }, ops);
    let asked = 0;
    const { results } = await probeMnos({ store, region: 'local', admit: async () => undefined, nowMs: () => 0, failAfterMs: 0, gateway: async () => ({ readSimState: async () => void asked++ }) as unknown as MnoGateway });
    expect(results).toEqual([]);
    expect(asked).toBe(0);
  });
});

describe('the probe and an MNO’s rate', () => {
  it('takes its call from the MNO’s rate budget: with this second’s spent, it does not call, and counts no failure', async () => {
    const store = new MemoryEventStore();
    const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
    await seedMnosAndTenants(store, ['north'], []);
    await executeCommand(store, mnoDecider, mnoStream('north'), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
    let asked = 0;
    const { results } = await probeMnos({
      store,
      region: 'local',
      admit: async () => Promise.reject(new MnoRateLimited('north allows 4 calls a second')),
      nowMs: () => 0,
      failAfterMs: 0,
      gateway: async () => ({ readSimState: async () => void asked++ }) as unknown as MnoGateway,
    });
    expect(results).toEqual([]);
    expect(asked).toBe(0);
  });
});
