import { describe, expect, it } from 'vitest';
import { cursorParam } from '../../functions/http/cursor.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('a list’s cursor parameter', () => {
  const cursor = cursorParam(/^\d{32}$/, 64);
  it('is the key the list resumes after, decoded; absent is absent', () => {
    expect(cursor.parse(b64('8'.repeat(32)))).toBe('8'.repeat(32));
    expect(cursor.parse(undefined)).toBeUndefined();
  });
  it('refuses what this API did not give: not base64url, too long, or a key of the wrong shape', () => {
    for (const bad of ['not a cursor!', 'A'.repeat(65), b64('12345'), b64('x'.repeat(32))]) {
      const result = cursor.safeParse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('not a cursor this API gave');
    }
  });
});
