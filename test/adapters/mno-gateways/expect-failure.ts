import { expect } from 'vitest';

/** Every string in a recorded body, however nested. */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(strings) : [];

/**
 * Awaits a call that must fail with `kind`, and checks its message: it names the CMP's error code
 * (when the adapter passes one on; `code` may hold the text around it too) and carries no other text of the CMP's answer (`answer`, a
 * recorded body: details, titles, ids) and none of `secrets`. Returns the error.
 */
export const expectFailure = async (
  call: Promise<unknown>,
  kind: abstract new (...args: never[]) => Error,
  { code, answer, secrets }: { code?: string; answer?: unknown; secrets: string[] },
): Promise<Error> => {
  const error = await call.then(
    (value) => expect.fail(`expected ${kind.name}, the call gave ${JSON.stringify(value)}`),
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(kind);
  if (code !== undefined) expect(error.message).toContain(code);
  for (const text of strings(answer).filter((s) => !code?.includes(s))) expect(error.message, 'a text of the CMP answer').not.toContain(text);
  for (const secret of secrets) expect(error.message, 'a credential').not.toContain(secret);
  return error;
};
