import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keepBounded } from '../../application/bounded.ts';

describe('keepBounded', () => {
  it('given a full map, when a new key is put, then the oldest eighth goes and the new key is the newest', () => {
    const map = new Map(Array.from({ length: 16 }, (_, i) => [`k${i}`, i] as const));
    keepBounded(map, 'new', 99, 16);
    expect([...map.keys()]).toEqual([...Array.from({ length: 14 }, (_, i) => `k${i + 2}`), 'new']);
  });

  it('given a key already there, when it is put again, then it moves to the newest and nothing else goes', () => {
    const map = new Map([['a', 1], ['b', 2], ['c', 3]]);
    keepBounded(map, 'a', 4, 3);
    expect([...map]).toEqual([['b', 2], ['c', 3], ['a', 4]]);
  });

  it('holds, for any puts and bound: at most `max` entries, the last put among them with its value, the kept keys the most recently put ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 300 }), (max, keys) => {
        const map = new Map<number, number>();
        keys.forEach((key, i) => {
          keepBounded(map, key, i, max);
          expect(map.size).toBeLessThanOrEqual(max);
          expect(map.get(key)).toBe(i);
        });
        // What stayed is a suffix of the distinct keys in the order they were last put.
        const lastPut = [...new Map(keys.map((k, i) => [k, i])).entries()].sort((a, b) => a[1] - b[1]).map(([k]) => k);
        expect([...map.keys()]).toEqual(lastPut.slice(lastPut.length - map.size));
      }),
    );
  });
});
