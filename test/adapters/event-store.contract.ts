import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredCommit } from '../../adapters/event-store/stored-commit.ts';
import { GENESIS, VersionConflict, eventsOf, type CommitMetadata, type EventStore } from '../../domain/event-store.ts';

/**
 * What every EventStore adapter must do, run against each (event-store.dynamodb.test.ts on
 * DynamoDB Local, event-store.memory.spec.ts in memory): the same tests, the same answers.
 * `tamper` edits or removes a stored commit behind the store's back, as an attacker with write
 * access to storage would.
 */
export interface EventStoreHarness {
  store: EventStore;
  tamper(streamId: string, version: number, change: Partial<Pick<StoredCommit, 'eventsJson' | 'metaJson' | 'hash'>> | 'remove'): Promise<void>;
}

const meta = (actor = 'alice', time = new Date().toISOString()): CommitMetadata => ({
  actor,
  commandId: 'c',
  correlationId: 'r',
  region: 'local',
  time,
});
const ev = (n: number) => ({ type: 'Counted', data: { n } });

export const eventStoreContract = (name: string, setup: () => Promise<EventStoreHarness>) => {
  let harness: EventStoreHarness;
  let store: EventStore;
  let seq = 0;
  const stream = () => `T#test#S#${++seq}`;

  beforeAll(async () => {
    harness = await setup();
    store = harness.store;
  });

    describe(`${name} event store (the port's contract)`, () => {
    it('appends commits and loads them back in order, versions without gap', async () => {
      const id = stream();
      const first = await store.append(id, GENESIS, [ev(1), ev(2)], meta());
      const second = await store.append(id, { version: 2, hash: first.hash }, [ev(3)], meta());
      const { head, commits } = await store.load(id);
      expect(head).toEqual({ version: 3, hash: second.hash });
      expect(eventsOf(commits).map((e) => [e.version, e.data])).toEqual([
        [1, { n: 1 }],
        [2, { n: 2 }],
        [3, { n: 3 }],
      ]);
      expect(commits[1]!.prevHash).toBe(first.hash);
      expect(commits[0]!.metadata).toMatchObject({ actor: 'alice', region: 'local' });
    });

    it('movedPast says of each stream, at once, whether a commit follows a version', async () => {
      const [a, b, none] = [stream(), stream(), stream()];
      const first = await store.append(a, GENESIS, [ev(1), ev(2)], meta());
      await store.append(a, { version: 2, hash: first.hash }, [ev(3)], meta());
      await store.append(b, GENESIS, [ev(1)], meta());
      const heads = [
        { streamId: a, version: 0 },
        { streamId: a, version: 2 },
        { streamId: a, version: 3 },
        { streamId: b, version: 1 },
        { streamId: b, version: 0 },
        { streamId: none, version: 0 },
        { streamId: a, version: 2 },
      ];
      expect(await store.movedPast(heads)).toEqual([true, true, false, false, true, false, true]);
      expect(await store.movedPast([])).toEqual([]);
    });

    it('head reads where a stream stands from its last commit alone', async () => {
      const id = stream();
      expect(await store.head(id)).toEqual(GENESIS);
      const first = await store.append(id, GENESIS, [ev(1), ev(2)], meta());
      expect(await store.head(id)).toEqual({ version: 2, hash: first.hash });
      const second = await store.append(id, await store.head(id), [ev(3)], meta());
      expect(await store.head(id)).toEqual({ version: 3, hash: second.hash });
      expect((await store.verify(id)).valid).toBe(true);
    });

    it('hands out copies: changing a loaded event changes nothing stored', async () => {
      const id = stream();
      await store.append(id, GENESIS, [ev(1)], meta());
      const loaded = await store.load(id);
      (loaded.commits[0]!.events[0]!.data as { n: number }).n = 99;
      expect(eventsOf((await store.load(id)).commits)[0]!.data).toEqual({ n: 1 });
    });

    it('an empty stream loads as version 0', async () => {
      expect(await store.load(stream())).toEqual({ head: GENESIS, commits: [] });
    });

    it('32 concurrent appends from the same version: exactly one wins, no gap, no duplicate', async () => {
      const id = stream();
      await store.append(id, GENESIS, [ev(0)], meta());
      const { head } = await store.load(id);
      const results = await Promise.allSettled(Array.from({ length: 32 }, (_, i) => store.append(id, head, [ev(i + 1)], meta(`writer-${i}`))));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(31);
      for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflict);
      const versions = eventsOf((await store.load(id)).commits).map((e) => e.version);
      expect(versions).toEqual([1, 2]);
      expect((await store.verify(id)).valid).toBe(true);
    });

    it('loads the stream as it was at a time', async () => {
      const id = stream();
      const a = await store.append(id, GENESIS, [ev(1)], meta('a', '2026-01-01T10:00:00.000Z'));
      await store.append(id, { version: 1, hash: a.hash }, [ev(2)], meta('a', '2026-01-01T11:00:00.000Z'));
      expect((await store.load(id, { at: '2026-01-01T10:30:00Z' })).head.version).toBe(1);
      expect((await store.load(id, { at: '2026-01-01T11:00:00Z' })).head.version).toBe(2);
      expect((await store.load(id, { at: '2026-01-01T09:00:00+00:00' })).commits).toEqual([]);
    });

    it('lists the commits of every stream appended since a time, oldest first (what a publisher taking over reads)', async () => {
      const [a, b] = [stream(), stream()];
      const at = (ms: number) => new Date(Date.now() - 120_000 + ms).toISOString();
      await store.append(a, GENESIS, [ev(1)], meta('alice', at(0)));
      const b1 = await store.append(b, GENESIS, [ev(1)], meta('alice', at(61_000)));
      const a2 = await store.append(a, await store.head(a), [ev(2)], meta('alice', at(62_000)));
      const since = (await store.commitsSince(at(1_000))).filter((c) => c.streamId === a || c.streamId === b);
      expect(since.map((c) => [c.streamId, c.version, c.hash])).toEqual([
        [b, 1, b1.hash],
        [a, 2, a2.hash],
      ]);
      expect(since[1]!.events[0]!.data).toEqual({ n: 2 });
    });

    it('reads commits a page at a time', async () => {
      const id = stream();
      let head = GENESIS;
      for (let i = 1; i <= 5; i++) {
        const c = await store.append(id, head, [ev(i)], meta());
        head = { version: i, hash: c.hash };
      }
      const page1 = await store.readCommits(id, { limit: 2 });
      expect(page1.commits.map((c) => c.version)).toEqual([1, 2]);
      expect(page1.more).toBe(true);
      const page3 = await store.readCommits(id, { after: 4, limit: 2 });
      expect(page3.commits.map((c) => c.version)).toEqual([5]);
      expect(page3.more).toBe(false);
    });

    describe('hash chain', () => {
      const threeCommits = async () => {
        const id = stream();
        let head = GENESIS;
        for (let i = 1; i <= 3; i++) {
          const c = await store.append(id, head, [ev(i)], meta());
          head = { version: i, hash: c.hash };
        }
        return { id, head };
      };

      it('an untouched stream verifies', async () => {
        const { id, head } = await threeCommits();
        expect(await store.verify(id)).toEqual({ valid: true, commits: 3, head, brokenAt: undefined });
      });

      it('an edited event is detected', async () => {
        const { id } = await threeCommits();
        const tampered = await store.load(id);
        const events = JSON.stringify(tampered.commits[1]!.events).replace('"n":2', '"n":20');
        await harness.tamper(id, 2, { eventsJson: events });
        expect(await store.verify(id)).toMatchObject({ valid: false, brokenAt: 2 });
      });

      it('edited metadata (who did it) is detected', async () => {
        const { id } = await threeCommits();
        await harness.tamper(id, 3, { metaJson: JSON.stringify(meta('mallory')) });
        expect(await store.verify(id)).toMatchObject({ valid: false, brokenAt: 3 });
      });

      it('a removed commit is detected', async () => {
        const { id } = await threeCommits();
        await harness.tamper(id, 2, 'remove');
        expect(await store.verify(id)).toMatchObject({ valid: false, brokenAt: 3, commits: 2 });
      });

      it('a rehashed edit still breaks the link to the next commit', async () => {
        const { id } = await threeCommits();
        const { commits } = await store.load(id);
        // The attacker recomputes commit 1's hash after editing it; commit 2 still names the old one.
        const { commitHash } = await import('../../adapters/event-store/hash-chain.ts');
        const events = JSON.stringify(commits[0]!.events).replace('"n":1', '"n":10');
        const metaJson = JSON.stringify(commits[0]!.metadata);
        await harness.tamper(id, 1, { eventsJson: events, hash: commitHash('', id, 1, events, metaJson) });
        expect(await store.verify(id)).toMatchObject({ valid: false, brokenAt: 2 });
      });
    });
  });
};
