import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { recordCascade, type StartCascade } from '../cascades/record.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import { enterpriseStream, policyStream } from '../stream-ids.ts';

/**
 * Freezes the policy's draft as its next version and records the cascade that carries it to every
 * MNO the enterprise works with (its execution started at once with `start`, else from the CascadeStarted event). An unchanged
 * draft publishes nothing, but the latest version's cascade is recorded again: a publish that
 * failed after PolicyPublished is healed by its retry, and is a no-op otherwise.
 */
export const publishPolicy = async (store: EventStore, tenant: string, policyId: string, cascadeId: string, context: CommandContext, start?: StartCascade) => {
  const { state, changed } = await executeCommand(store, policyDecider, policyStream(tenant, policyId), { type: 'PublishPolicy', policyId, cascadeId, actor: context.actor }, context);
  // Read after the version is published, never beside it: an MNO chosen after this read gets the version from catch-up, which runs after that choice and so finds it published.
  const { state: enterprise } = await loadState(store, enterpriseDecider, enterpriseStream(tenant));
  const published = changed ? cascadeId : state.latestCascadeId;
  if (published) await recordCascade(store, tenant, published, { kind: 'policy', policyId, version: state.latestVersion }, [...chosenMnos(enterprise)], context, start);
  return { version: state.latestVersion, cascadeId: published ?? null, changed };
};
