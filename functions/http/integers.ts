import * as z from 'zod';

/** A positive integer as this API writes one: digits, no leading zero, sign, exponent or decimal point; at most 15 (a safe integer). */
export const CANONICAL_POSITIVE_INTEGER = /^[1-9]\d{0,14}$/;

const PLAINLY = 'a positive integer written plainly: digits only, no leading zero, sign, exponent or decimal point';

/** A string holding a canonical positive integer (a path or query parameter), as that number, at most `max`. */
export const positiveInteger = (max = Number.MAX_SAFE_INTEGER) =>
  z.string().regex(CANONICAL_POSITIVE_INTEGER, PLAINLY).transform(Number).pipe(z.number().max(max));
