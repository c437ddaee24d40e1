import * as z from '../../domain/zod-mini.ts';
import { decodeCursor } from '../../adapters/read-models/cursors.ts';

const NOT_OURS = 'not a cursor this API gave';

/**
 * A list's `cursor` query parameter: base64url of at most `length` characters, decoded to the key
 * the list resumes after, which must have the shape of that list's keys (`key`); anything else is
 * a 400 saying it is not a cursor this API gave.
 */
export const cursorParam = (key: RegExp, length = 200) =>
  z.optional(
    z.pipe(z.string().check(z.regex(new RegExp(`^[A-Za-z0-9_-]{1,${length}}$`), NOT_OURS)), z.transform(decodeCursor)).check(z.refine((decoded) => key.test(decoded), NOT_OURS)),
  );
