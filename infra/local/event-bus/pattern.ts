/**
 * EventBridge event patterns, matched as EventBridge matches them, so the local bus routes by the
 * very patterns CDK deploys. Pure: no I/O, no clock. A pattern is compiled once, when its rule is
 * registered, and refused there with an `InvalidEventPatternException` if it uses an operator this
 * matcher does not implement (cidr, for one) or uses one wrongly: a rule that silently never
 * matched would be worse than no rule. docs/event-patterns.md lists what is supported.
 */

import type { EventPattern, PatternCondition } from '../../../manifest/event-pattern.ts';

export type { EventPattern, PatternCondition };

export class InvalidEventPatternException extends Error {
  override name = 'InvalidEventPatternException';
}

type Json = Record<string, unknown>;
type Level = (object: Json) => boolean;
type LeafTest = (value: unknown) => boolean;
type FieldTest = (leaves: unknown[]) => boolean;

const refuse = (at: string, why: string): never => {
  throw new InvalidEventPatternException(`Event pattern is not valid at ${at || 'its root'}: ${why}`);
};
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKey = (v: unknown) => (isObject(v) && Object.keys(v).length === 1 ? Object.keys(v)[0] : undefined);

/** A field's leaf values: itself, or the elements of an array (nested arrays flattened). Objects are not leaves. */
const leavesOf = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(leavesOf) : isObject(v) ? [] : [v]);
const objectsOf = (v: unknown): Json[] => (Array.isArray(v) ? v.flatMap(objectsOf) : isObject(v) ? [v] : []);

const text = (v: unknown, at: string) => (typeof v === 'string' ? v : refuse(at, `expected a string, got ${JSON.stringify(v)}`));
const texts = (v: unknown, at: string): string[] =>
  Array.isArray(v) && v.length > 0 ? v.map((s, i) => text(s, `${at}[${i}]`)) : [text(v, at)];
const lower = (s: string) => s.toLowerCase();
const ifString = (test: (s: string) => boolean): LeafTest => (v) => typeof v === 'string' && test(v);

/** `*` matches any run of characters; `\*` is a literal star, `\\` a literal backslash; `**` is refused (as AWS does). */
const wildcard = (pattern: string, at: string): RegExp => {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[++i];
      if (next !== '*' && next !== '\\') refuse(at, 'in a wildcard a backslash may only escape * or \\');
      source += `\\${next}`;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') refuse(at, 'consecutive wildcard characters are not allowed');
      source += '.*';
    } else source += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
};

/** prefix / suffix: a string, or `{ "equals-ignore-case": string }` to ignore case. */
const affix = (arg: unknown, at: string, test: (value: string, affix: string) => boolean): LeafTest => {
  if (typeof arg === 'string') return ifString((v) => test(v, arg));
  if (onlyKey(arg) !== 'equals-ignore-case') refuse(at, 'expected a string or { "equals-ignore-case": string }');
  const wanted = lower(text((arg as Json)['equals-ignore-case'], at));
  return ifString((v) => test(lower(v), wanted));
};

const NUMERIC_LIMIT = 5e9;
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `[op, n]`, or a range `[">" | ">=", low, "<" | "<=", high]`; only JSON numbers match. */
const numeric = (arg: unknown, at: string): LeafTest => {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) refuse(at, 'numeric takes [op, number] or [">"|">=", low, "<"|"<=", high]');
  const pairs: { op: string; n: number; compare: (a: number, b: number) => boolean }[] = [];
  for (let i = 0; i < (arg as unknown[]).length; i += 2) {
    const [op, n] = [(arg as unknown[])[i], (arg as unknown[])[i + 1]];
    const compare = typeof op === 'string' ? COMPARE[op] : undefined;
    if (!compare) refuse(at, `unknown numeric operator ${JSON.stringify(op)}`);
    if (typeof n !== 'number' || Math.abs(n) > NUMERIC_LIMIT) refuse(at, `numeric bounds must be numbers within ±${NUMERIC_LIMIT}`);
    pairs.push({ op: op as string, n: n as number, compare: compare! });
  }
  if (pairs.length === 2 && (!['>', '>='].includes(pairs[0]!.op) || !['<', '<='].includes(pairs[1]!.op)))
    refuse(at, 'a numeric range is a lower bound (> or >=) then an upper bound (< or <=)');
  return (v) => typeof v === 'number' && pairs.every((p) => p.compare(v, p.n));
};

/** anything-but: a value or a list of strings or of numbers, or a negated prefix, suffix, equals-ignore-case or wildcard. */
const anythingBut = (arg: unknown, at: string): LeafTest => {
  if (typeof arg === 'string' || typeof arg === 'number') return (v) => v !== arg;
  if (Array.isArray(arg)) {
    const allOf = (type: string) => arg.every((x) => typeof x === type);
    if (arg.length === 0 || !(allOf('string') || allOf('number'))) refuse(at, 'an anything-but list holds only strings or only numbers');
    return (v) => !arg.includes(v);
  }
  const op = onlyKey(arg);
  const value = isObject(arg) ? arg[op ?? ''] : undefined;
  switch (op) {
    case 'prefix': {
      const excluded = text(value, at);
      return ifString((v) => !v.startsWith(excluded));
    }
    case 'suffix': {
      const excluded = text(value, at);
      return ifString((v) => !v.endsWith(excluded));
    }
    case 'equals-ignore-case': {
      const excluded = new Set(texts(value, at).map(lower));
      return ifString((v) => !excluded.has(lower(v)));
    }
    case 'wildcard': {
      const excluded = texts(value, at).map((w) => wildcard(w, at));
      return ifString((v) => !excluded.some((re) => re.test(v)));
    }
    default:
      return refuse(at, `anything-but takes a string, a number, a list, or one of prefix, suffix, equals-ignore-case, wildcard`);
  }
};

const condition = (c: unknown, at: string): FieldTest => {
  if (c === null || ['string', 'number', 'boolean'].includes(typeof c)) return (leaves) => leaves.some((v) => v === c);
  const op = onlyKey(c);
  if (op === undefined) return refuse(at, `expected a value or an object with one operator, got ${JSON.stringify(c)}`);
  const arg = (c as Json)[op];
  if (op === 'exists') {
    if (typeof arg !== 'boolean') refuse(at, 'exists takes true or false');
    return (leaves) => leaves.length > 0 === arg;
  }
  const test: LeafTest =
    op === 'prefix' ? affix(arg, at, (v, s) => v.startsWith(s))
    : op === 'suffix' ? affix(arg, at, (v, s) => v.endsWith(s))
    : op === 'equals-ignore-case' ? ((s) => ifString((v) => lower(v) === s))(lower(text(arg, at)))
    : op === 'wildcard' ? ((re) => ifString((v) => re.test(v)))(wildcard(text(arg, at), at))
    : op === 'anything-but' ? anythingBut(arg, at)
    : op === 'numeric' ? numeric(arg, at)
    : refuse(at, `operator "${op}" is not supported by the local event bus (see docs/event-patterns.md)`);
  return (leaves) => leaves.some(test);
};

const level = (pattern: unknown, at: string): Level => {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) return refuse(at, 'expected a non-empty object');
  const fields = Object.entries(pattern).map(([key, value]): Level => {
    const path = at ? `${at}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) return refuse(path, '$or takes an array of at least two patterns');
      const alternatives = value.map((p, i) => level(p, `${path}[${i}]`));
      return (o) => alternatives.some((alternative) => alternative(o));
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return refuse(path, 'a field needs at least one value');
      const tests = value.map((c, i) => condition(c, `${path}[${i}]`));
      return (o) => {
        const leaves = Object.hasOwn(o, key) ? leavesOf(o[key]) : [];
        return tests.some((t) => t(leaves));
      };
    }
    if (!isObject(value)) return refuse(path, 'a field takes an array of values or a nested pattern');
    const inner = level(value, path);
    // An array of objects matches if one element does (fields of one element together); a field
    // that is absent or not an object has no sub-fields, which only `exists: false` accepts.
    return (o) => {
      const objects = Object.hasOwn(o, key) ? objectsOf(o[key]) : [];
      return objects.length > 0 ? objects.some(inner) : inner({});
    };
  });
  return (o) => fields.every((field) => field(o));
};

/** Validates a pattern (throws InvalidEventPatternException) and returns its matcher. */
export const compilePattern = (pattern: unknown): ((event: unknown) => boolean) => {
  const match = level(pattern, '');
  return (event) => isObject(event) && match(event);
};

export const matchesPattern = (pattern: unknown, event: unknown) => compilePattern(pattern)(event);
