import { expect } from 'vitest';
import type { Decider } from '../../domain/decider.ts';
import { fold } from '../../domain/decider.ts';
import { DomainError } from '../../domain/errors.ts';

/** Given/when/then for a decider: past events, a command, then the events it decides or the rule it breaks. */
export const specFor =
  <C, E, S>(decider: Decider<C, E, S>) =>
  (given: E[]) => ({
    when: (command: C) => {
      const decide = () => decider.decide(command, fold(decider, decider.initialState, given));
      return {
        then: (expected: E[]) => expect(decide()).toEqual(expected),
        thenFails: (code: string, kind?: DomainError['kind']) => {
          let error: unknown;
          try {
            decide();
          } catch (e) {
            error = e;
          }
          expect(error, `expected ${code}`).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (kind) expect((error as DomainError).kind).toBe(kind);
        },
      };
    },
  });
