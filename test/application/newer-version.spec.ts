import { describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { newerVersion, publishedAtOf } from '../../application/cascades/newer-version.ts';
import type { CascadePorts } from '../../application/cascades/ports.ts';
import { executeCommand } from '../../application/command.ts';
import { policyStream } from '../../application/stream-ids.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { policyDecider } from '../../domain/policy/decider.ts';

/** Whether a later version of a policy took this one's place, reading only what came after this version in the policy's stream. */
const store = new MemoryEventStore();
const ports = { store } as unknown as CascadePorts;
const context = { actor: 'alice', correlationId: 'c', region: 'local' };
const stream = policyStream('acme', 'fleet');
const draft = (n: number) => executeCommand(store, policyDecider, stream, { type: 'SetPolicyDraft', policyId: 'fleet', document: { data: { apns: [`v${n}`] } } as never, actor: 'alice' }, context);
const publish = (n: number) => executeCommand(store, policyDecider, stream, { type: 'PublishPolicy', policyId: 'fleet', cascadeId: `c-${n}`, actor: 'alice' }, context);
const at = async (version: number) => publishedAtOf({ kind: 'policy', policyId: 'fleet', version }, eventsOf((await store.load(stream)).commits));

describe('a policy version superseded by a later one (newerVersion)', () => {
  it('given only drafts after it, then it is the newest; given a later version published after many drafts (pages of them), then that one is named', async () => {
    await draft(1);
    await publish(1);
    const v1 = { kind: 'policy' as const, policyId: 'fleet', version: 1 };
    const publishedAt = await at(1);
    expect(publishedAt).toBe(2);
    for (let i = 0; i < 120; i++) await draft(100 + i);
    expect(await newerVersion(ports, 'acme', v1, publishedAt)).toBeUndefined();
    await publish(2);
    expect(await newerVersion(ports, 'acme', v1, publishedAt)).toMatch(/replaced by version 2 \(cascade c-2\)/);
    // The same answer as from the whole stream (work planned before the position was carried).
    expect(await newerVersion(ports, 'acme', v1, undefined)).toBe(await newerVersion(ports, 'acme', v1, publishedAt));
    expect(await newerVersion(ports, 'acme', { ...v1, version: 2 }, await at(2))).toBeUndefined();
  });

  it('reads only the commits after the version, not the policy’s history', async () => {
    const reads = vi.spyOn(store, 'readCommits');
    const loads = vi.spyOn(store, 'load');
    await newerVersion(ports, 'acme', { kind: 'policy', policyId: 'fleet', version: 2 }, await at(2));
    expect(reads.mock.calls.map(([, o]) => o.after)).toEqual([123]);
    expect(loads.mock.calls.filter(([s]) => s === stream).length).toBe(1); // the `at` lookup above, not newerVersion
    reads.mockRestore();
    loads.mockRestore();
  });
});
