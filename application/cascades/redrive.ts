import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { supersededBy } from '../../domain/cascade/process.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import { cascadeStream, policyStream, simStream } from '../stream-ids.ts';

/**
 * Runs a cascade again for the MNOs that did not succeed (the `start-cascade` rule starts the new
 * round's execution from the CascadeRedriven event), unless a newer change has taken its place:
 * an older policy version or SIM state must never be carried to an MNO over a newer one, so that
 * redrive is refused, naming what superseded it.
 */
export const redriveCascade = async (store: EventStore, tenant: string, cascadeId: string, context: CommandContext) => {
  const stream = cascadeStream(tenant, cascadeId);
  const loaded = await loadState(store, cascadeDecider, stream);
  const cascade = loaded.state;
  let superseded: string | undefined;
  if (cascade.status !== 'none') {
    const { subject } = cascade;
    superseded =
      subject.kind === 'policy'
        ? supersededBy(subject, { policy: (await loadState(store, policyDecider, policyStream(tenant, subject.policyId))).state })
        : supersededBy(subject, { sim: (await loadState(store, simDecider, simStream(tenant, subject.eid))).state });
  }
  return executeCommand(store, cascadeDecider, stream, { type: 'RedriveCascade', superseded }, context, undefined, loaded);
};
