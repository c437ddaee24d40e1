import { describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { loadMno, loadMnos } from '../../application/mnos.ts';
import { mnoStream } from '../../application/stream-ids.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { seedMnosAndTenants } from '../support/seed.ts';

/** MNO states a process keeps (application/kept-states.ts): read again only when their stream moved, never stale. */
describe('kept MNO states', () => {
  it('a second read asks once which streams moved and reads only those; what it answers is what a fresh read says', async () => {
    const store = new MemoryEventStore();
    const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
    await seedMnosAndTenants(store, ['north', 'south', 'east'], []);
    const ids = ['north', 'south', 'east', 'west'];
    const first = await loadMnos(store, ids);
    expect(first.map((m) => m.status)).toEqual(['unverified', 'unverified', 'unverified', 'unknown']);

    const loads = vi.spyOn(store, 'load');
    const moved = vi.spyOn(store, 'movedPast');
    try {
      expect(await loadMnos(store, ids)).toEqual(first);
      expect(loads).not.toHaveBeenCalled();
      expect(moved).toHaveBeenCalledTimes(1);

      await executeCommand(store, mnoDecider, mnoStream('south'), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
      loads.mockClear();
      const after = await loadMnos(store, ids);
      expect(loads.mock.calls.map(([stream]) => stream)).toEqual([mnoStream('south')]);
      expect(after).toEqual(await Promise.all(ids.map((id) => loadMno(store, id))));
      expect(after[1]!.status).toBe('verified');
    } finally {
      loads.mockRestore();
      moved.mockRestore();
    }
    // Another store (another region's table, another test) keeps its own.
    expect((await loadMnos(new MemoryEventStore(), ['north']))[0]!.status).toBe('unknown');
  });

  it('a read that started before a change and ended after it neither replaces the newer state nor is answered for it', async () => {
    const base = new MemoryEventStore();
    const ops = { actor: 'ops', correlationId: 'c', region: 'local' };
    await seedMnosAndTenants(base, ['north'], []);
    const gate = () => {
      let open!: () => void;
      return { opened: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    };
    const slowLoad = gate();
    const slowCheck = gate();
    const lateRead = gate();
    let holdLoad = true;
    let holdCheck = false;
    // The store as another process's timing would make it: the first read of north ends late; a chosen check of what moved, too.
    const store = Object.assign(Object.create(base) as MemoryEventStore, {
      load: async (streamId: string) => {
        const read = await base.load(streamId);
        if (holdLoad && streamId === mnoStream('north')) {
          holdLoad = false;
          lateRead.open();
          await slowLoad.opened;
        }
        return read;
      },
      movedPast: async (heads: { streamId: string; version: number }[]) => {
        const answer = await base.movedPast(heads);
        if (holdCheck) await slowCheck.opened;
        return answer;
      },
    });
    const late = loadMnos(store, ['north']); // reads north unverified, answers late
    await lateRead.opened;
    await executeCommand(base, mnoDecider, mnoStream('north'), { type: 'RecordVerification', checks: allChecksPassed() }, ops);
    expect((await loadMnos(store, ['north']))[0]!.status).toBe('verified'); // kept: verified
    holdCheck = true;
    const checking = loadMnos(store, ['north']); // validates the kept (verified) head, then waits
    slowLoad.open();
    expect((await late)[0]!.status).toBe('unverified'); // as it was when it was read
    slowCheck.open();
    expect((await checking)[0]!.status).toBe('verified');
    holdCheck = false;
    expect((await loadMnos(store, ['north']))[0]!.status).toBe('verified');
  });
});
