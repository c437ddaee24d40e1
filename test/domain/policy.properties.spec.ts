import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import { canonicallyEqual } from '../../domain/policy/canonical.ts';
import type { PolicyCommand } from '../../domain/policy/commands.ts';
import { policyDecider, type PolicyState } from '../../domain/policy/decider.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import { PolicyEvents, type PolicyEvent } from '../../domain/policy/events.ts';
import { policyDocument } from './policy-arbitraries.ts';

// A few documents, so that drafts repeat and no-ops happen.
const documents = fc.array(policyDocument, { minLength: 1, maxLength: 3 });
const commands = (docs: PolicyDocument[]) =>
  fc.array(
    fc.oneof(
      fc.constantFrom(...docs).map((document): PolicyCommand => ({ type: 'SetPolicyDraft', actor: 'alice', policyId: 'fleet', document })),
      fc.nat(99).map((n): PolicyCommand => ({ type: 'PublishPolicy', actor: 'bob', policyId: 'fleet', cascadeId: `c-${n}` })),
    ),
    { maxLength: 30 },
  );
const scenario = documents.chain((docs) => commands(docs));

/** Runs commands as the handlers do: refused commands change nothing, accepted ones append. */
const run = (cs: PolicyCommand[]) => {
  const log: PolicyEvent[] = [];
  let state: PolicyState = policyDecider.initialState;
  for (const c of cs) {
    let events: PolicyEvent[] = [];
    try {
      events = policyDecider.decide(c, state);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
    log.push(...events);
    state = fold(policyDecider, state, events);
  }
  return { log, state };
};

describe('Policy decider properties', () => {
  it('replaying the event log reproduces the state', () =>
    fc.assert(
      fc.property(scenario, (cs) => {
        const { log, state } = run(cs);
        expect(fold(policyDecider, policyDecider.initialState, log)).toEqual(state);
      }),
    ));

  it('versions count 1, 2, 3… and no version repeats the one before it', () =>
    fc.assert(
      fc.property(scenario, (cs) => {
        const versions = run(cs).log.flatMap((e) => (e.type === 'PolicyPublished' ? [e.data] : []));
        versions.forEach((v, i) => {
          expect(v.version).toBe(i + 1);
          if (i > 0) expect(canonicallyEqual(v.document, versions[i - 1]?.document)).toBe(false);
        });
      }),
    ));

  it('a command just decided is satisfied: deciding it again appends nothing', () =>
    fc.assert(
      fc.property(scenario, (cs) => {
        const { state } = run(cs);
        const last = cs.at(-1);
        if (last && state.draft) expect(policyDecider.decide(last, state)).toEqual([]);
      }),
    ));

  it('every event is valid against its schema', () =>
    fc.assert(
      fc.property(scenario, (cs) => {
        for (const e of run(cs).log) expect(PolicyEvents[e.type].safeParse(e.data).success).toBe(true);
      }),
    ));
});
