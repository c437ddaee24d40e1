import { z } from 'zod';
import { eventSchemas } from '../events.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';

/**
 * A SIM's identifiers (its EID, each profile's ICCID and IMSI) belong to one SIM of one tenant,
 * platform-wide: the MNOs know a SIM by its ICCID, so two tenants holding one ICCID could change
 * each other's SIM at the operator. Each identifier is its own stream, claimed before the SIM is
 * registered, so two registrations racing for one identifier collide on one key.
 */
export const IdentifierKind = z.enum(['eid', 'iccid', 'imsi']);
export type IdentifierKind = z.infer<typeof IdentifierKind>;

const Holder = z.object({ tenant: z.string(), eid: z.string() });
export type Holder = z.infer<typeof Holder>;

export const IdentifierClaimEvents = {
  IdentifierClaimed: z.object({ kind: IdentifierKind, holder: Holder }),
  /** A registration that was refused gives back what it had claimed, so that no identifier is held for a SIM nobody can see. */
  IdentifierReleased: z.object({ kind: IdentifierKind, holder: Holder }),
} as const;

export type IdentifierClaimEvent =
  | { type: 'IdentifierClaimed'; data: { kind: IdentifierKind; holder: Holder } }
  | { type: 'IdentifierReleased'; data: { kind: IdentifierKind; holder: Holder } };
export type IdentifierClaimCommand =
  | { type: 'ClaimIdentifier'; kind: IdentifierKind; holder: Holder }
  /** Only its holder releases a claim (an identifier held by another, or by no one, is left as it is). */
  | { type: 'ReleaseIdentifier'; kind: IdentifierKind; holder: Holder };
export type IdentifierClaimState = { holder?: Holder | undefined };

const MESSAGES: Record<IdentifierKind, [code: string, message: string]> = {
  eid: ['sim-already-registered', 'a SIM with this EID is already registered'],
  iccid: ['iccid-in-use', 'this ICCID belongs to another SIM'],
  imsi: ['imsi-in-use', 'this IMSI belongs to another SIM'],
};

export const identifierClaimDecider: Decider<IdentifierClaimCommand, IdentifierClaimEvent, IdentifierClaimState> = {
  events: eventSchemas(IdentifierClaimEvents),
  initialState: {},
  decide(command, state) {
    const { holder } = state;
    const own = holder?.tenant === command.holder.tenant && holder.eid === command.holder.eid;
    if (command.type === 'ReleaseIdentifier') return own ? [{ type: 'IdentifierReleased', data: { kind: command.kind, holder: command.holder } }] : [];
    if (own) return [];
    // The same words whoever holds it: neither the tenant nor the SIM is named.
    if (holder) throw new DomainError('conflict', ...MESSAGES[command.kind]);
    return [{ type: 'IdentifierClaimed', data: { kind: command.kind, holder: command.holder } }];
  },
  evolve: (_state, event) => (event.type === 'IdentifierClaimed' ? { holder: event.data.holder } : { holder: undefined }),
};

/** The identifiers a SIM registration claims, each for that SIM alone: its EID, and each profile's ICCID and IMSI. */
export const identifiersOf = (sim: { eid: string; profiles: readonly { iccid: string; imsi: string }[] }): { kind: IdentifierKind; value: string }[] => [
  { kind: 'eid', value: sim.eid },
  ...sim.profiles.flatMap((p) => [
    { kind: 'iccid' as const, value: p.iccid },
    { kind: 'imsi' as const, value: p.imsi },
  ]),
];
