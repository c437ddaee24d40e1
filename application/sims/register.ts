import { randomUUID } from 'node:crypto';
import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { identifierClaimDecider, identifiersOf, type IdentifierKind } from '../../domain/identifier-claim/decider.ts';
import type { SimCommand } from '../../domain/sim/commands.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { MnoState } from '../../domain/mno/decider.ts';

const plmnsOf = (mno: MnoState) => (mno.status === 'unknown' ? [] : mno.registration.plmns);
import { executeCommand, type CommandContext } from '../command.ts';
import { loadMno } from '../mnos.ts';
import { loadState } from '../load-state.ts';
import { enterpriseStream, identifierClaimStream, simStream } from '../stream-ids.ts';

export type Registration = Omit<Extract<SimCommand, { type: 'RegisterSim' }>, 'type' | 'actor' | 'allowedMnos'>;

/**
 * Registers a SIM in inventory: checked against the enterprise's MNOs, then its identifiers are
 * claimed for it (platform-wide: an operator knows a SIM by its ICCID), then the SIM is recorded.
 * The registration is decided on an empty SIM first, so one the SIM would refuse claims nothing.
 * A registration refused after it claimed (another SIM holds one of its identifiers, say) gives
 * back what it claimed and the SIM does not use, so no identifier is held for a SIM nobody can
 * see. Claims are idempotent for their holder: the same registration retried after a crash
 * between claims completes it.
 */
export const registerSim = async (store: EventStore, tenant: string, registration: Registration, context: CommandContext) => {
  const { state: enterprise } = await loadState(store, enterpriseDecider, enterpriseStream(tenant));
  // The PLMNs of each chosen MNO a profile names: its IMSI must belong to one of them.
  const named = new Set(registration.profiles.map((p) => p.mno));
  const chosen = chosenMnos(enterprise);
  const plmns = await Promise.all(chosen.map(async (mno) => (named.has(mno) ? plmnsOf(await loadMno(store, mno)) : [])));
  const allowedMnos = Object.fromEntries(chosen.map((mno, i) => [mno, plmns[i]!]));
  const command: SimCommand = { type: 'RegisterSim', actor: context.actor, allowedMnos, ...registration };
  simDecider.decide(command, simDecider.initialState);
  const holder = { tenant, eid: registration.eid };
  const unpinned = { ...context, expectedVersion: undefined };
  type Identifier = { kind: IdentifierKind; value: string };
  const claim = ({ kind, value }: Identifier) => executeCommand(store, identifierClaimDecider, identifierClaimStream(kind, value), { type: 'ClaimIdentifier', kind, holder }, unpinned);
  /** Gives an identifier back; the EID only while this attempt still holds it (not one that took over after its lock ran out). */
  const giveBack = ({ kind, value }: Identifier, token?: string) =>
    executeCommand(store, identifierClaimDecider, identifierClaimStream(kind, value), { type: 'ReleaseIdentifier', kind, holder, ...(kind === 'eid' && { token }) }, unpinned);
  const key = (id: Identifier) => `${id.kind} ${id.value}`;
  // The EID first, as this attempt's: a second attempt at the same SIM waits (409 registration-in-progress), so that
  // what this one gives back, if refused, is never what the other relies on.
  const attempt = { token: randomUUID(), at: new Date().toISOString(), identifiers: identifiersOf(registration) };
  const eidStream = identifierClaimStream('eid', registration.eid);
  const loaded = await loadState(store, identifierClaimDecider, eidStream);
  const before = loaded.state;
  await executeCommand(store, identifierClaimDecider, eidStream, { type: 'ClaimIdentifier', kind: 'eid', holder, registration: attempt }, unpinned, undefined, loaded);
  // Taken over from an attempt that stopped between its claims: what it claimed is this SIM's only if this registration names it too.
  const abandoned = before.registering && before.registering.token !== attempt.token ? (before.registering.identifiers ?? []) : [];
  try {
    const claims = await Promise.allSettled(identifiersOf(registration).filter((id) => id.kind !== 'eid').map(claim));
    const refused = claims.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (refused) throw refused.reason;
    const registered = await executeCommand(store, simDecider, simStream(tenant, registration.eid), command, context);
    await executeCommand(store, identifierClaimDecider, eidStream, { type: 'CompleteRegistration', kind: 'eid', holder, token: attempt.token }, unpinned);
    const mine = new Set(attempt.identifiers.map(key));
    await Promise.all(abandoned.filter((id) => !mine.has(key(id))).map((id) => giveBack(id)));
    return registered;
  } catch (error) {
    // What the SIM as it is now uses stays claimed (a SIM registered before, or by a concurrent request).
    const { state: sim } = await loadState(store, simDecider, simStream(tenant, registration.eid));
    const used = new Set(sim.status === 'unregistered' ? [] : identifiersOf(sim).map(key));
    await Promise.all(identifiersOf(registration).filter((id) => !used.has(key(id))).map((id) => giveBack(id, attempt.token)));
    throw error;
  }
};
