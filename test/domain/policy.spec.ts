import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';
import type { PolicyEvent } from '../../domain/policy/events.ts';
import { specFor } from '../support/given.ts';

const spec = specFor(policyDecider);
const policyId = 'fleet-eu';
const v1 = PolicyDocument.parse({ data: { apns: ['iot.acme.example'] }, imeiLock: true });
const v2 = PolicyDocument.parse({ data: { apns: ['iot.acme.example'] }, imeiLock: true, caps: { dataMbPerMonth: 500 } });
/** v1 with every object's keys in another order: the same document. */
const v1Reordered = { imeiLock: true, data: { internetBreakout: false, apns: ['iot.acme.example'] } };

const draft = (document: PolicyDocument): PolicyEvent => ({ type: 'PolicyDraftSet', data: { policyId, document } });
const published = (version: number, document: PolicyDocument, cascadeId = `c-${version}`): PolicyEvent => ({
  type: 'PolicyPublished',
  data: { policyId, version, document, cascadeId },
});
const setDraft = (document: PolicyDocument) => ({ type: 'SetPolicyDraft' as const, actor: 'alice', policyId, document });
const publish = (cascadeId: string) => ({ type: 'PublishPolicy' as const, actor: 'bob', policyId, cascadeId });

describe('Policy decider', () => {
  describe('drafts', () => {
    it('a first draft creates the policy', () => spec([]).when(setDraft(v1)).then([draft(v1)]));
    it('setting the same draft again is a no-op', () => spec([draft(v1)]).when(setDraft(v1)).then([]));
    it('the same draft with its keys in another order is the same draft', () => spec([draft(v1)]).when(setDraft(v1Reordered)).then([]));
    it('a changed draft is recorded', () => spec([draft(v1)]).when(setDraft(v2)).then([draft(v2)]));
    it('a draft equal to the latest version, after other edits, is still a change of draft', () =>
      spec([draft(v1), published(1, v1), draft(v2)]).when(setDraft(v1)).then([draft(v1)]));
  });

  describe('publication', () => {
    it('publishing with no draft: the policy does not exist', () => spec([]).when(publish('c-1')).thenFails('policy-not-found', 'not-found'));
    it('publishes the draft as version 1, with the cascade id it was given', () => spec([draft(v1)]).when(publish('c-1')).then([published(1, v1)]));
    it('publishing a draft identical to the latest version is a no-op, whatever the cascade id', () =>
      spec([draft(v1), published(1, v1)]).when(publish('c-other')).then([]));
    it('the next publication of a changed draft is version 2', () =>
      spec([draft(v1), published(1, v1), draft(v2)]).when(publish('c-2')).then([published(2, v2)]));
    it('an older version published again is a new version', () =>
      spec([draft(v1), published(1, v1), draft(v2), published(2, v2), draft(v1)]).when(publish('c-3')).then([published(3, v1)]));
    it('an edit undone before publishing publishes nothing', () =>
      spec([draft(v1), published(1, v1), draft(v2), draft(v1)]).when(publish('c-2')).then([]));
  });

  it('refuses a command for another policy than its stream', () =>
    spec([draft(v1)]).when({ ...setDraft(v2), policyId: 'fleet-us' }).thenFails('policy-id-mismatch', 'invalid'));

  it('state keeps the draft, every published version, the latest version number and its cascade', () =>
    expect(fold(policyDecider, policyDecider.initialState, [draft(v1), published(1, v1), draft(v2), published(2, v2), draft(v1)])).toEqual({
      policyId,
      draft: v1,
      published: { 1: v1, 2: v2 },
      latestVersion: 2,
      latestCascadeId: 'c-2',
    }));
});
