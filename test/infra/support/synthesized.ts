import { synthesize } from './cdk.ts';

/**
 * Both regional stacks of the default deployment (with an external issuer), synthesized without
 * bundling when a test file first imports this: vitest gives each file its own modules, so each
 * file synthesizes once, as its own `beforeAll` did.
 */
export const { built, primary, secondary, eventStoreId } = synthesize();

/** Rows for `describe.each`: the stack's name, the stack and its template. */
export const both = () =>
  [
    ['primary', () => built.primary, () => primary],
    ['secondary', () => built.secondary, () => secondary],
  ] as const;
