/**
 * Canonical JSON: object keys sorted at every depth, undefined members left out (as JSON does).
 * Two documents are the same when their canonical forms are; array order counts.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? sortKeys(v) : v));

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const sortKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.keys(o).toSorted().map((k) => [k, o[k]]));

export const canonicallyEqual = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
