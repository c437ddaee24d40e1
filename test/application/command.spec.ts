import { beforeAll, describe, expect, it } from 'vitest';
import type { Decider } from '../../domain/decider.ts';
import { mnoCatalogueDecider } from '../../domain/mno/catalogue.ts';
import { VersionConflict, eventsOf } from '../../domain/event-store.ts';
import { PreconditionFailed, executeCommand } from '../../application/command.ts';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';

/** A decider that always appends one event (a catalogue type, as every stored event is): every command changes the stream. */
type Tick = { type: 'MnoListed'; data: { id: string } };
const ticker: Decider<{ by: string }, Tick, number> = {
  events: mnoCatalogueDecider.events,
  initialState: 0,
  decide: (c) => [{ type: 'MnoListed', data: { id: c.by } }],
  evolve: (n) => n + 1,
};

let store: MemoryEventStore;
let seq = 0;
const stream = () => `T#test#TICK#${++seq}`;
const ctx = (actor: string, expectedVersion?: number) => ({ actor, correlationId: 'c', region: 'local', expectedVersion });

beforeAll(() => {
  store = new MemoryEventStore();
});

describe('executeCommand', () => {
  it('re-decides on fresh state after a conflict, so concurrent commands all land', async () => {
    const id = stream();
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => executeCommand(store, ticker, id, { by: `w${i}` }, ctx(`w${i}`))));
    expect(outcomes.map((o) => o.head.version).sort()).toEqual([1, 2, 3, 4]);
    const events = eventsOf((await store.load(id)).commits);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(new Set(events.map((e) => (e.data as { id: string }).id)).size).toBe(4);
  });

  it('gives up after a bounded number of attempts', async () => {
    const id = stream();
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => executeCommand(store, ticker, id, { by: `w${i}` }, ctx(`w${i}`), 2)));
    const failed = results.filter((r) => r.status === 'rejected');
    for (const r of failed) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflict);
    const landed = eventsOf((await store.load(id)).commits).length;
    expect(landed).toBe(12 - failed.length);
  });

  it('with a pinned version, a stale command fails instead of re-deciding', async () => {
    const id = stream();
    await executeCommand(store, ticker, id, { by: 'a' }, ctx('a'));
    await expect(executeCommand(store, ticker, id, { by: 'b' }, ctx('b', 0))).rejects.toBeInstanceOf(PreconditionFailed);
    const ok = await executeCommand(store, ticker, id, { by: 'b' }, ctx('b', 1));
    expect(ok.head.version).toBe(2);
  });

  it('records who, which command and where in the commit metadata', async () => {
    const id = stream();
    await executeCommand(store, ticker, id, { by: 'a' }, { actor: 'alice', correlationId: 'corr-1', region: 'eu-west-1' });
    const [commit] = (await store.load(id)).commits;
    expect(commit!.metadata).toMatchObject({ actor: 'alice', correlationId: 'corr-1', region: 'eu-west-1' });
    expect(commit!.metadata.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(commit!.metadata.time)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('executeCommand when a write landed but its reply was lost', () => {
  it('recognises its own commit behind the conflict and reports success, appending nothing more', async () => {
    const id = stream();
    // What the SDK does when a PutItem's reply is lost: it sends the put again, which now conflicts.
    const lossy = Object.create(store) as MemoryEventStore;
    lossy.append = async (...args: Parameters<MemoryEventStore['append']>) => {
      await store.append(...args);
      throw new VersionConflict(args[0], args[1].version);
    };
    const outcome = await executeCommand(lossy, ticker, id, { by: 'a' }, ctx('a'));
    expect(outcome).toMatchObject({ changed: true, head: { version: 1 } });
    expect(eventsOf((await store.load(id)).commits)).toHaveLength(1);
  });
});
