import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { MemoryLeaseStore } from '../../adapters/lease/memory-lease.ts';
import { keepPublishingLease, type PublisherPorts } from '../../application/lease/publisher.ts';
import { GENESIS, type Commit } from '../../domain/event-store.ts';

/**
 * The publishing lease as regions keep it (application/lease/publisher.ts): one publishes; the other
 * stands by; a takeover publishes again what the lost one may not have; the lost one is fenced.
 */
const timing = { leaseMs: 6_000, renewBeforeMs: 2_000, replayMarginMs: 3_000 };
const t0 = Date.parse('2026-12-05T10:00:00.000Z');

const world = () => {
  const store = new MemoryEventStore();
  const lease = new MemoryLeaseStore();
  let now = t0;
  const published: Record<string, string[]> = {};
  let failPublish = false;
  const cannot = new Set<string>();
  const region = (name: string): PublisherPorts => ({
    lease,
    commitsSince: (since) => store.commitsSince(since),
    publish: async (commits: readonly Commit[]) => {
      if (failPublish) throw new Error('bus unavailable');
      (published[name] ??= []).push(...commits.map((c) => c.streamId));
    },
    canPublish: async () => !cannot.has(name),
    region: name,
    nowMs: () => now,
    timing,
  });
  const append = (stream: string, atMs: number) => store.append(stream, GENESIS, [{ type: 'Noted', data: {} }], { actor: 'a', commandId: stream, correlationId: stream, region: 'eu-central-1', time: new Date(atMs).toISOString() });
  return { store, lease, region, append, published, at: (ms: number) => (now = t0 + ms), failPublishing: (on: boolean) => (failPublish = on), busDown: (name: string) => cannot.add(name) };
};

describe('keeping the publishing lease', () => {
  it('given no lease, the first region takes it under token 1 and republishes nothing; the other stands by', async () => {
    const w = world();
    expect(await keepPublishingLease(w.region('eu-central-1'))).toMatchObject({ did: 'took', status: { holder: true, token: 1 }, republished: undefined });
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ did: 'standby', status: { holder: false, owner: 'eu-central-1', untilMs: t0 + 6_000 } });
  });

  it('the holder keeps it, then renews it under the same token before it lapses', async () => {
    const w = world();
    await keepPublishingLease(w.region('eu-central-1'));
    w.at(3_000);
    expect(await keepPublishingLease(w.region('eu-central-1'))).toMatchObject({ did: 'kept' });
    w.at(4_500);
    expect(await keepPublishingLease(w.region('eu-central-1'))).toMatchObject({ did: 'renewed', status: { token: 1, untilMs: t0 + 10_500 } });
  });

  it('when the holder is lost, the other takes it over once it lapses and publishes again everything since the watermark less the margin, whichever region wrote it; then the old holder is fenced', async () => {
    const w = world();
    const central = w.region('eu-central-1');
    const { status } = await keepPublishingLease(central);
    await w.append('old', t0 - 10_000); // published long before
    await w.append('published', t0 + 1_000); // published: the watermark
    expect(await w.lease.advance('eu-central-1', (status as { token: number }).token, new Date(t0 + 1_000).toISOString())).toBe(true);
    await w.append('unpublished', t0 + 1_500); // appended, never published: the region is lost
    w.at(5_000);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ did: 'standby' });
    w.at(6_000);
    const took = await keepPublishingLease(w.region('eu-west-1'));
    expect(took).toMatchObject({ did: 'took', status: { holder: true, token: 2, sinceMs: t0 + 6_000 }, republished: 2 });
    expect(w.published['eu-west-1']).toEqual(['published', 'unpublished']);
    // Repeated at each step until it has settled (the other region's forwarders, the time index, may lag a moment), then done.
    w.at(10_500);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ did: 'renewed', republished: 2 });
    w.at(16_000);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ republished: 2 });
    w.at(17_000);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ republished: undefined });
    // The lost region wakes: its token is stale; it may not move the watermark, and it stands by.
    expect(await w.lease.advance('eu-central-1', 1, new Date(t0 + 7_000).toISOString())).toBe(false);
    expect(await keepPublishingLease(central)).toMatchObject({ did: 'standby', status: { owner: 'eu-west-1' } });
  });

  it('a replay the bus refused is finished by the next step, under the same token', async () => {
    const w = world();
    await keepPublishingLease(w.region('eu-central-1'));
    await w.append('unpublished', t0 + 500);
    w.at(6_000);
    w.failPublishing(true);
    await expect(keepPublishingLease(w.region('eu-west-1'))).rejects.toThrow('bus unavailable');
    expect(await w.lease.read()).toMatchObject({ owner: 'eu-west-1', token: 2, replayFrom: expect.any(String) });
    w.failPublishing(false);
    w.at(10_500);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ did: 'renewed', republished: 1 });
    expect((await w.lease.read())?.replayFrom).toBeDefined();
    w.at(16_000);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ republished: 1 });
    expect((await w.lease.read())?.replayFrom).toBeUndefined();
  });

  it('a region whose bus does not answer does not renew its lease: it lapses, and the other takes it', async () => {
    const w = world();
    await keepPublishingLease(w.region('eu-central-1'));
    w.busDown('eu-central-1');
    w.at(4_500);
    expect(await keepPublishingLease(w.region('eu-central-1'))).toMatchObject({ did: 'unable' });
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ did: 'standby' });
    w.at(6_000);
    expect(await keepPublishingLease(w.region('eu-west-1'))).toMatchObject({ did: 'took', status: { holder: true, token: 2 } });
  });

  it('a renewal moves only the expiry: a watermark written meanwhile by a forwarder stays', async () => {
    const w = world();
    const { status } = await keepPublishingLease(w.region('eu-central-1'));
    w.at(4_500);
    await w.lease.advance('eu-central-1', (status as { token: number }).token, new Date(t0 + 4_000).toISOString());
    expect(await keepPublishingLease(w.region('eu-central-1'))).toMatchObject({ did: 'renewed' });
    expect((await w.lease.read())?.watermark).toBe(new Date(t0 + 4_000).toISOString());
  });

  it('two regions racing for a lapsed lease: one takes it, the other lost the race and stands by', async () => {
    const w = world();
    await keepPublishingLease(w.region('eu-central-1'));
    w.at(7_000);
    const [a, b] = await Promise.all([keepPublishingLease(w.region('eu-west-1')), keepPublishingLease(w.region('eu-central-1'))]);
    expect([a.did, b.did].sort()).toEqual(['lost-race', 'took']);
    expect([a.status.holder, b.status.holder].filter(Boolean)).toHaveLength(1);
  });
});
