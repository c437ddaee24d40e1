import * as z from '../../domain/zod-mini.ts';

/** A positive integer as this API writes one: digits, no leading zero, sign, exponent or decimal point; at most 15 (a safe integer). */
export const CANONICAL_POSITIVE_INTEGER = /^[1-9]\d{0,14}$/;

const PLAINLY = 'a positive integer written plainly: digits only, no leading zero, sign, exponent or decimal point';

/** A string holding a canonical positive integer (a path or query parameter), as that number, at most `max`. */
export const positiveInteger = (max = Number.MAX_SAFE_INTEGER) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(CANONICAL_POSITIVE_INTEGER, PLAINLY)), z.transform(Number)),
    z.number().check(z.lte(max)),
  );
