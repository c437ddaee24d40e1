/**
 * The part of CloudWatch Logs' filter pattern syntax the local endpoint honours, for
 * FilterLogEvents. Anything else is refused with InvalidParameterException naming what is
 * supported, never silently matched too much or too little:
 *
 * - empty: every event;
 * - terms: `ERROR`, `"exact phrase"`; several terms must all appear; `-term` must not appear;
 *   `?a ?b` matches events with any of them (then every term must be a `?` term). Case-sensitive
 *   substrings of the message.
 * - JSON: `{ $.a.b = "text" }`, `!=`; `*` in a quoted value matches any characters; numbers with
 *   `=`, `!=`, `<`, `<=`, `>`, `>=`; conditions joined by `&&` or `||` (`&&` binds first), no
 *   parentheses. A selector is a dotted path of names (`$.detail.data.mno`, `$.detail-type`);
 *   a message that is not JSON does not match.
 */
export class FilterPatternError extends Error {
  override name = 'InvalidParameterException';
}

const unsupported = (pattern: string, why: string) =>
  new FilterPatternError(
    `filter pattern ${JSON.stringify(pattern)} is not supported by the local CloudWatch Logs endpoint (${why}); ` +
      'supported: terms ("quoted phrase", -term, ?term) and JSON conditions { $.path = "value" } with = != < <= > >= joined by && or ||',
  );

export type MessageFilter = (message: string) => boolean;

export const compileFilterPattern = (pattern: string | undefined): MessageFilter => {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return compileJson(text, pattern!);
  if (text.startsWith('[')) throw unsupported(pattern!, 'space-delimited patterns');
  if (text.startsWith('%')) throw unsupported(pattern!, 'regular expressions');
  return compileTerms(text, pattern!);
};

const compileTerms = (text: string, pattern: string): MessageFilter => {
  const terms: { op: '' | '-' | '?'; value: string }[] = [];
  const token = /([-?]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const op = m[1] as '' | '-' | '?';
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    if (m[3]?.includes('"')) throw unsupported(pattern, `an unbalanced quote in ${m[0]}`);
    if (value === '') throw unsupported(pattern, `an empty term ${m[0]}`);
    terms.push({ op, value });
  }
  const any = terms.filter((t) => t.op === '?');
  if (any.length > 0 && any.length !== terms.length) throw unsupported(pattern, '?terms mixed with other terms');
  if (any.length > 0) return (message) => any.some((t) => message.includes(t.value));
  return (message) => terms.every((t) => (t.op === '-' ? !message.includes(t.value) : message.includes(t.value)));
};

type Condition = (event: unknown) => boolean;

const compileJson = (text: string, pattern: string): MessageFilter => {
  if (!text.endsWith('}')) throw unsupported(pattern, 'a JSON pattern ends with }');
  const body = text.slice(1, -1).trim();
  if (body.includes('(')) throw unsupported(pattern, 'parentheses');
  // Split on || and && outside quoted strings.
  const parts: string[] = [];
  const ops: string[] = [];
  let current = '';
  for (let i = 0, quoted = false; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' && body[i - 1] !== '\\') quoted = !quoted;
    const two = body.slice(i, i + 2);
    if (!quoted && (two === '&&' || two === '||')) {
      parts.push(current);
      ops.push(two);
      current = '';
      i++;
    } else current += c;
  }
  parts.push(current);
  const conditions = parts.map((p) => compileCondition(p.trim(), pattern));
  // && binds before ||: OR of AND-groups.
  const groups: Condition[][] = [[conditions[0]!]];
  ops.forEach((op, i) => (op === '&&' ? groups.at(-1)!.push(conditions[i + 1]!) : groups.push([conditions[i + 1]!])));
  return (message) => {
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      return false;
    }
    return groups.some((all) => all.every((c) => c(event)));
  };
};

const compileCondition = (text: string, pattern: string): Condition => {
  const m = /^\$((?:\.[A-Za-z0-9_-]+)+)\s*(=|!=|<=|>=|<|>)\s*(.+)$/.exec(text);
  if (!m) throw unsupported(pattern, `the condition ${JSON.stringify(text)}`);
  const path = m[1]!.slice(1).split('.');
  const op = m[2]!;
  const raw = m[3]!.trim();
  const at = (event: unknown) => path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), event);
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) throw unsupported(pattern, `the value ${raw}`);
    if (op !== '=' && op !== '!=') throw unsupported(pattern, `${op} on a string`);
    const value = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    const re = new RegExp(`^${value.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    const equal = (event: unknown) => {
      const v = at(event);
      return typeof v === 'string' && re.test(v);
    };
    return op === '=' ? equal : (event) => !equal(event);
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw unsupported(pattern, `the value ${raw} (strings are quoted)`);
  return (event) => {
    const v = at(event);
    if (typeof v !== 'number') return op === '!=';
    switch (op) {
      case '=':
        return v === value;
      case '!=':
        return v !== value;
      case '<':
        return v < value;
      case '<=':
        return v <= value;
      case '>':
        return v > value;
      default:
        return v >= value;
    }
  };
};
