import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { eventsRead } from '../../application/load-state.ts';
import { GENESIS } from '../../domain/event-store.ts';
import { eventSchemas } from '../../domain/events.ts';

const meta = { actor: 'alice', commandId: 'c', correlationId: 'r', region: 'local', time: '2026-12-06T00:00:00.000Z' };

describe('events read from commits (application/load-state.ts)', () => {
  it('reads each commit against a catalogue once per process, and hands out frozen events; another catalogue reads for itself', async () => {
    let parsed = 0;
    const counting = eventSchemas({ Counted: z.pipe(z.object({ n: z.number() }), z.transform((data) => (parsed++, data))) });
    const store = new MemoryEventStore();
    const first = await store.append('S#1', GENESIS, [{ type: 'Counted', data: { n: 1 } }], meta);
    await store.append('S#1', { version: 1, hash: first.hash }, [{ type: 'Counted', data: { n: 2 } }], meta);
    const { commits } = await store.load('S#1');
    expect(eventsRead(commits, counting).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(parsed).toBe(2);
    const again = eventsRead((await store.load('S#1')).commits, counting);
    expect(again.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(parsed).toBe(2);
    expect(() => {
      (again[0]!.data as { n: number }).n = 9;
    }).toThrow(TypeError);
    const other = eventSchemas({ Counted: z.pipe(z.object({ n: z.number() }), z.transform((data) => (parsed++, data))) });
    eventsRead(commits, other);
    expect(parsed).toBe(4);
  });
});
