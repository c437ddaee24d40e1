import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { PolicyEvents } from './events.ts';
import { DomainError } from '../errors.ts';
import { canonicallyEqual } from './canonical.ts';
import type { PolicyCommand } from './commands.ts';
import type { PolicyDocument } from './document.ts';
import type { PolicyEvent } from './events.ts';

/**
 * A policy comes into being with its first draft. The draft is what the enterprise edits; each
 * publication freezes it as the next version (1, 2, …), which is what gets cascaded to the MNOs.
 * After a publication the draft stays, equal to the latest version, until it is set again.
 */
export interface PolicyState {
  policyId?: string | undefined;
  draft?: PolicyDocument | undefined;
  /** Every published version, version → document; nothing is ever removed. */
  published: Readonly<Record<number, PolicyDocument>>;
  /** The latest published version; 0 before the first publication. */
  latestVersion: number;
  /** The cascade that carries the latest version to the MNOs (started by its publication). */
  latestCascadeId?: string | undefined;
}

export const policyDecider: Decider<PolicyCommand, PolicyEvent, PolicyState> = {
  events: eventSchemas(PolicyEvents),
  initialState: { published: {}, latestVersion: 0 },

  decide(command, state) {
    if (state.policyId !== undefined && command.policyId !== state.policyId)
      throw new DomainError('invalid', 'policy-id-mismatch', 'the command names another policy than the one it was sent to');
    switch (command.type) {
      case 'SetPolicyDraft':
        if (state.draft !== undefined && canonicallyEqual(state.draft, command.document)) return [];
        return [{ type: 'PolicyDraftSet', data: { policyId: command.policyId, document: command.document } }];
      case 'PublishPolicy': {
        // No draft means no policy: a policy exists from its first draft on. So this is a 404 like
        // any command on a missing aggregate, not a 409 about the state of one that exists.
        const draft = state.draft;
        if (draft === undefined) throw new DomainError('not-found', 'policy-not-found', 'policy not found: set a draft before publishing');
        const latest = state.published[state.latestVersion];
        if (latest !== undefined && canonicallyEqual(latest, draft)) return [];
        const data = { policyId: command.policyId, version: state.latestVersion + 1, document: draft, cascadeId: command.cascadeId };
        return [{ type: 'PolicyPublished', data }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PolicyDraftSet':
        return { ...state, policyId: event.data.policyId, draft: event.data.document };
      case 'PolicyPublished': {
        const { policyId, version, document, cascadeId } = event.data;
        return { ...state, policyId, published: { ...state.published, [version]: document }, latestVersion: version, latestCascadeId: cascadeId };
      }
    }
  },
};
