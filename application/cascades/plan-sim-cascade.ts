import { outOfUseCascadeId, simCascadeId } from './cascade-ids.ts';
import { desiredSimState, simStateAfter } from '../../domain/cascade/process.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { simDecider, type SimState } from '../../domain/sim/decider.ts';
import type { BusEvent } from '../bus-events.ts';
import { loadState } from '../load-state.ts';
import { recordCascade, type StartCascade } from './record.ts';

/**
 * After a switch: the subscriptions of the profiles no longer enabled, where their MNO last held
 * them active, are set out of use (suspended), each by a cascade of its own to that MNO.
 */
const outOfUse = async (store: EventStore, region: string, event: BusEvent, sim: Exclude<SimState, { status: 'unregistered' }>, start?: StartCascade) => {
  const { detail } = event;
  const enabledMno = sim.profiles.find((p) => p.iccid === sim.enabledProfile)?.mno;
  const context = { actor: detail.metadata.actor, correlationId: detail.metadata.correlationId, region };
  for (const p of sim.profiles) {
    if (p.iccid === sim.enabledProfile || p.mno === enabledMno || sim.observed[p.mno] !== 'active') continue;
    await recordCascade(store, detail.tenant!, outOfUseCascadeId(detail.streamId, detail.version, p.iccid), { kind: 'sim-state', eid: sim.eid, state: 'suspended', iccid: p.iccid }, [p.mno], context, start);
  }
};


/**
 * A SIM lifecycle change, or a profile switch, becomes a cascade to the MNO of the SIM's enabled profile (its
 * execution started at once with `start`, else from the CascadeStarted event): a suspended SIM is
 * suspended at its MNO without waiting for the cascade's own event to go round. Off the command's
 * path: a command costs its Query and PutItem, nothing more.
 */
export const planSimCascade = async (store: EventStore, region: string, event: BusEvent, start?: StartCascade) => {
  const { detail } = event;
  const eid = /#SIM#(\d{32})$/.exec(detail.streamId)?.[1];
  if (!eid || !detail.tenant) return;
  const { state: sim } = await loadState(store, simDecider, detail.streamId);
  if (sim.status === 'unregistered') return;
  // A profile switch the eUICC made: the SIM's state goes to the newly enabled profile's MNO.
  const switched = event['detail-type'] === 'EimPackageExecuted' && (detail.data as { results?: { op: string; outcome: string }[] }).results?.some((r) => r.op === 'enable' && r.outcome === 'ok');
  const state = switched ? desiredSimState(sim) : simStateAfter(event['detail-type']);
  if (!state) return;
  if (switched) await outOfUse(store, region, event, sim, start);
  // Lifecycle acts on the enabled profile's MNO only (the others' subscriptions are not in use).
  const targets = sim.profiles.filter((p) => p.iccid === sim.enabledProfile).map((p) => p.mno);
  const context = { actor: detail.metadata.actor, correlationId: detail.metadata.correlationId, region };
  await recordCascade(store, detail.tenant, simCascadeId(detail.streamId, detail.version), { kind: 'sim-state', eid, state }, targets, context, start);
};
