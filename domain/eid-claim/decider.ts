import { z } from 'zod';
import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';

/**
 * An EID belongs to at most one tenant. The claim is its own platform-wide stream, appended
 * before the tenant's SIM stream, so two tenants racing for one EID collide on one key.
 */
export const EidClaimEvents = {
  EidClaimed: z.object({ tenant: z.string() }),
} as const;

export type EidClaimEvent = { type: 'EidClaimed'; data: { tenant: string } };
export type EidClaimCommand = { type: 'ClaimEid'; tenant: string };
export type EidClaimState = { holder?: string | undefined };

export const eidClaimDecider: Decider<EidClaimCommand, EidClaimEvent, EidClaimState> = {
  initialState: {},
  decide(command, state) {
    if (state.holder === command.tenant) return [];
    // Same words as a SIM registered twice by one tenant: the holder is never named.
    if (state.holder) throw new DomainError('conflict', 'sim-already-registered', 'a SIM with this EID is already registered');
    return [{ type: 'EidClaimed', data: { tenant: command.tenant } }];
  },
  evolve: (_state, event) => ({ holder: event.data.tenant }),
};
