import { createHash } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import type { CommitMetadata } from '../../domain/event-store.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { recordCascade } from '../cascades.ts';
import { config, eventStore } from '../config.ts';
import { loadState } from '../load-state.ts';

type Detail = { tenant: string; streamId: string; version: number; metadata: CommitMetadata };

const STATE_AFTER: Record<string, Extract<CascadeSubject, { kind: 'sim-state' }>['state']> = {
  SimActivated: 'active',
  SimResumed: 'active',
  SimSuspended: 'suspended',
  SimTerminated: 'terminated',
};

/** Named after the event, so a delivery repeated records the same cascade (a no-op). */
const cascadeIdFor = (streamId: string, version: number) => `sim-${createHash('sha256').update(`${streamId}#${version}`).digest('hex').slice(0, 32)}`;

/**
 * Rule `plan-sim-cascade`: a SIM lifecycle change becomes a cascade to every MNO hosting one of
 * the SIM's profiles (its execution then starts from the CascadeStarted event). Off the command's
 * path: a command costs its Query and PutItem, nothing more.
 */
export const handler = async (event: EventBridgeEvent<string, Detail>) => {
  const state = STATE_AFTER[event['detail-type']];
  const eid = /#SIM#(\d{32})$/.exec(event.detail.streamId)?.[1];
  if (!state || !eid) return;
  const { state: sim } = await loadState(eventStore, simDecider, event.detail.streamId);
  if (sim.status === 'unregistered') return;
  const targets = [...new Set(sim.profiles.map((p) => p.mno))];
  const context = { actor: event.detail.metadata.actor, correlationId: event.detail.metadata.correlationId, region: config.region };
  await recordCascade(eventStore, event.detail.tenant, cascadeIdFor(event.detail.streamId, event.detail.version), { kind: 'sim-state', eid, state }, targets, context);
};
