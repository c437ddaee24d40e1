import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { identifierClaimDecider, identifiersOf } from '../../domain/identifier-claim/decider.ts';
import type { SimCommand } from '../../domain/sim/commands.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import { enterpriseStream, identifierClaimStream, simStream } from '../stream-ids.ts';

export type Registration = Omit<Extract<SimCommand, { type: 'RegisterSim' }>, 'type' | 'actor' | 'allowedMnos'>;

/**
 * Registers a SIM in inventory: checked against the enterprise's MNOs, then its identifiers are
 * claimed for it (platform-wide: an operator knows a SIM by its ICCID), then the SIM is recorded.
 * The registration is decided on an empty SIM first, so one the SIM would refuse claims nothing.
 */
export const registerSim = async (store: EventStore, tenant: string, registration: Registration, context: CommandContext) => {
  const { state: enterprise } = await loadState(store, enterpriseDecider, enterpriseStream(tenant));
  const command: SimCommand = { type: 'RegisterSim', actor: context.actor, allowedMnos: chosenMnos(enterprise), ...registration };
  simDecider.decide(command, simDecider.initialState);
  const holder = { tenant, eid: registration.eid };
  const unpinned = { ...context, expectedVersion: undefined };
  await Promise.all(
    identifiersOf(registration).map(({ kind, value }) =>
      executeCommand(store, identifierClaimDecider, identifierClaimStream(kind, value), { type: 'ClaimIdentifier', kind, holder }, unpinned),
    ),
  );
  return executeCommand(store, simDecider, simStream(tenant, registration.eid), command, context);
};
