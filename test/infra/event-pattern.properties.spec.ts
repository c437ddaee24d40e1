import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../infra/local/event-bus/pattern.ts';

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const stringOrNumber = fc.oneof(fc.string(), fc.integer({ min: -1000, max: 1000 }));
const ascii = fc.string({ unit: fc.constantFrom(...'abcXYZ09-_.*\\ ') });
const bound = fc.integer({ min: -5e9, max: 5e9 });

/** The `*` and `\` of a literal string, escaped so that the wildcard matches that string alone. */
const literalWildcard = (s: string) => s.replace(/[\\*]/g, '\\$&');

describe('event pattern properties', () => {
  it('a value matches itself, alone or among other elements of an event array', () => {
    fc.assert(
      fc.property(scalar, fc.array(scalar), (v, others) => {
        expect(matchesPattern({ f: [v] }, { f: v })).toBe(true);
        expect(matchesPattern({ f: [v] }, { f: [...others, v] })).toBe(true);
        expect(matchesPattern({ g: { f: [v] } }, { g: { f: v } })).toBe(true);
      }),
    );
  });

  it('for a scalar field, anything-but is the negation of the exact value', () => {
    fc.assert(
      fc.property(stringOrNumber, stringOrNumber, (excluded, v) => {
        expect(matchesPattern({ f: [{ 'anything-but': excluded }] }, { f: v })).toBe(!matchesPattern({ f: [excluded] }, { f: v }));
      }),
    );
  });

  it('prefix and suffix match what a string starts and ends with, and equals-ignore-case any casing', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (head, middle, tail) => {
        expect(matchesPattern({ f: [{ prefix: head }] }, { f: head + middle })).toBe(true);
        expect(matchesPattern({ f: [{ suffix: tail }] }, { f: middle + tail })).toBe(true);
        expect(matchesPattern({ f: [{ 'anything-but': { prefix: head } }] }, { f: middle })).toBe(!middle.startsWith(head));
      }),
    );
    fc.assert(
      fc.property(ascii, (s) => {
        expect(matchesPattern({ f: [{ 'equals-ignore-case': s.toUpperCase() }] }, { f: s.toLowerCase() })).toBe(true);
      }),
    );
  });

  it('a wildcard without stars is an exact string match; a lone star matches every string', () => {
    fc.assert(
      fc.property(ascii, ascii, (w, v) => {
        expect(matchesPattern({ f: [{ wildcard: literalWildcard(w) }] }, { f: v })).toBe(w === v);
        expect(matchesPattern({ f: [{ wildcard: '*' }] }, { f: v })).toBe(true);
        expect(matchesPattern({ f: [{ wildcard: `${literalWildcard(w)}*` }] }, { f: v })).toBe(v.startsWith(w));
      }),
    );
  });

  it('a numeric range matches exactly the numbers between its bounds', () => {
    fc.assert(
      fc.property(bound, bound, fc.double({ min: -6e9, max: 6e9, noNaN: true }), (a, b, x) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(matchesPattern({ f: [{ numeric: ['>=', low, '<', high] }] }, { f: x })).toBe(low <= x && x < high);
        expect(matchesPattern({ f: [{ numeric: ['=', low] }] }, { f: x })).toBe(x === low);
      }),
    );
  });

  it('exists: true and exists: false never agree', () => {
    const value = fc.oneof(scalar, fc.array(scalar), fc.dictionary(fc.string(), scalar));
    fc.assert(
      fc.property(fc.option(value, { nil: undefined }), (v) => {
        const event = v === undefined ? {} : { f: v };
        expect(matchesPattern({ f: [{ exists: true }] }, event)).toBe(!matchesPattern({ f: [{ exists: false }] }, event));
      }),
    );
  });

  it('$or matches when one of its alternatives does', () => {
    const pattern = fc.record({ f: fc.array(stringOrNumber, { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(pattern, pattern, stringOrNumber, (p, q, v) => {
        const event = { f: v };
        expect(matchesPattern({ $or: [p, q] }, event)).toBe(matchesPattern(p, event) || matchesPattern(q, event));
      }),
    );
  });
});
