import * as z from '../zod-mini.ts';
import { eventSchemas, lazySchemas } from '../events.ts';
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

/**
 * A registration under way (on the EID's claim): which attempt, since when, and the identifiers it
 * claims (so that one taking over from it after a crash gives back what it does not use). Only it
 * claims the SIM's other identifiers.
 */
const Registration = z.object({ token: z.string(), at: z.string(), identifiers: z.optional(z.array(z.object({ kind: IdentifierKind, value: z.string() }))) });
export type Registration = z.infer<typeof Registration>;

/** How long a registration holds its SIM's EID before another attempt may take over (one that crashed between its claims). */
export const REGISTRATION_LOCK_MS = 30_000;

export const IdentifierClaimEvents = lazySchemas({
  IdentifierClaimed: () => z.object({ kind: IdentifierKind, holder: Holder, registration: z.optional(Registration) }),
  /** The registration that held the EID has recorded its SIM: the claim is the SIM's for good. */
  IdentifierRegistrationCompleted: () => z.object({ kind: IdentifierKind, holder: Holder }),
  /** A registration that was refused gives back what it had claimed, so that no identifier is held for a SIM nobody can see. */
  IdentifierReleased: () => z.object({ kind: IdentifierKind, holder: Holder }),
});

export type IdentifierClaimEvent =
  | { type: 'IdentifierClaimed'; data: { kind: IdentifierKind; holder: Holder; registration?: Registration | undefined } }
  | { type: 'IdentifierRegistrationCompleted'; data: { kind: IdentifierKind; holder: Holder } }
  | { type: 'IdentifierReleased'; data: { kind: IdentifierKind; holder: Holder } };
export type IdentifierClaimCommand =
  /** `registration` (on the EID): the attempt that claims it, and its time; two attempts at one SIM do not run at once. */
  | { type: 'ClaimIdentifier'; kind: IdentifierKind; holder: Holder; registration?: Registration | undefined }
  | { type: 'CompleteRegistration'; kind: IdentifierKind; holder: Holder; token: string }
  /** Only its holder releases a claim (an identifier held by another, or by no one, is left as it is). */
  | { type: 'ReleaseIdentifier'; kind: IdentifierKind; holder: Holder; token?: string | undefined };
export type IdentifierClaimState = { holder?: Holder | undefined; registering?: Registration | undefined };

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
    if (command.type === 'ReleaseIdentifier') {
      // An attempt gives back the EID only while it is its own (not after another took over).
      const taken = command.token !== undefined && state.registering !== undefined && state.registering.token !== command.token;
      return own && !taken ? [{ type: 'IdentifierReleased', data: { kind: command.kind, holder: command.holder } }] : [];
    }
    if (command.type === 'CompleteRegistration')
      return own && state.registering?.token === command.token ? [{ type: 'IdentifierRegistrationCompleted', data: { kind: command.kind, holder: command.holder } }] : [];
    if (own) {
      const mine = command.registration;
      const running = state.registering;
      if (!mine || !running || running.token === mine.token) return [];
      // Another attempt at the same SIM is under way: its claims must not be given back under it.
      if (Date.parse(mine.at) - Date.parse(running.at) < REGISTRATION_LOCK_MS)
        throw new DomainError('conflict', 'registration-in-progress', 'this SIM is being registered by another request; retry in a few seconds');
      // That attempt stopped (it crashed between its claims): this one takes over.
      return [{ type: 'IdentifierClaimed', data: { kind: command.kind, holder: command.holder, registration: mine } }];
    }
    // The same words whoever holds it: neither the tenant nor the SIM is named.
    if (holder) throw new DomainError('conflict', ...MESSAGES[command.kind]);
    return [{ type: 'IdentifierClaimed', data: { kind: command.kind, holder: command.holder, ...(command.registration && { registration: command.registration }) } }];
  },
  evolve: (state, event) => {
    if (event.type === 'IdentifierClaimed') return { holder: event.data.holder, registering: event.data.registration };
    if (event.type === 'IdentifierRegistrationCompleted') return { holder: state.holder, registering: undefined };
    return {};
  },
};

/** The identifiers a SIM registration claims, each for that SIM alone: its EID, and each profile's ICCID and IMSI. */
export const identifiersOf = (sim: { eid: string; profiles: readonly { iccid: string; imsi?: string | undefined }[] }): { kind: IdentifierKind; value: string }[] => [
  { kind: 'eid', value: sim.eid },
  ...sim.profiles.flatMap((p) => [{ kind: 'iccid' as const, value: p.iccid }, ...(p.imsi === undefined ? [] : [{ kind: 'imsi' as const, value: p.imsi }])]),
];
