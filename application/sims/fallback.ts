import { randomBytes } from 'node:crypto';
import { fold } from '../../domain/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { readEvents } from '../../domain/events.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { mnoDecider, type MnoState } from '../../domain/mno/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { fallbackPlan } from '../../domain/sim/fallback.ts';
import type { BusEvent } from '../bus-events.ts';
import { executeCommand } from '../command.ts';
import { inBatches } from '../in-batches.ts';
import { loadState } from '../load-state.ts';
import { mnoStream, simStream } from '../stream-ids.ts';

/** What fallback needs besides the event store: the read models' lists (each item checked against its stream). */
export interface FallbackPorts {
  store: EventStore;
  region: string;
  tenantsUsing(mno: string): Promise<string[]>;
  simsOn(tenant: string, mno: string): Promise<string[]>;
}

export interface FallbackOutcome {
  mno: string;
  switched: { tenant: string; eid: string; to: { iccid: string; mno: string } }[];
  skipped: { tenant: string; eid: string; reason: string }[];
}

/**
 * An MNO declared in outage: every active or suspended SIM whose enabled profile is there and that
 * has another installed profile on an MNO that can take work is switched to it (its fallback
 * profile first), by an eIM package its device runs (with rollback, attributed to
 * `switchboard:fallback`); the others are reported skipped, with why. A delivery of the event
 * again switches nothing more: a SIM whose switch is queued is on its way off that MNO already.
 */
export const fallBackFrom = async (ports: FallbackPorts, event: BusEvent): Promise<FallbackOutcome | undefined> => {
  if (event['detail-type'] !== 'MnoOutageDeclared') return undefined;
  const down = /^MNO#([^#]+)$/.exec(event.detail.streamId)?.[1];
  if (!down) return undefined;
  // Cleared already (a short outage, a late delivery): nothing to flee.
  const now = await loadState(ports.store, mnoDecider, mnoStream(down));
  const outcome: FallbackOutcome = { mno: down, switched: [], skipped: [] };
  if (now.state.status === 'unknown' || !now.state.outage) return outcome;
  const mnoStates = new Map<string, MnoState>();
  const mnoOf = async (id: string) => {
    if (!mnoStates.has(id)) mnoStates.set(id, (await loadState(ports.store, mnoDecider, mnoStream(id))).state);
    return mnoStates.get(id)!;
  };
  const context = { actor: 'switchboard:fallback', correlationId: event.detail.eventId, region: ports.region };
  for (const tenant of await ports.tenantsUsing(down)) {
    await inBatches(await ports.simsOn(tenant, down), async (eid) => {
      const stream = simStream(tenant, eid);
      const sim = fold(simDecider, simDecider.initialState, readEvents(eventsOf((await ports.store.load(stream)).commits), simDecider.events));
      if (sim.status !== 'unregistered') for (const p of sim.profiles) await mnoOf(p.mno);
      const plan = fallbackPlan(sim, down, (id) => mnoStates.get(id) ?? { status: 'unknown' });
      if (plan.kind === 'skip') outcome.skipped.push({ tenant, eid, reason: plan.reason });
      if (plan.kind !== 'switch') return;
      await executeCommand(ports.store, simDecider, stream, { type: 'QueueEimPackage', actor: context.actor, transactionId: randomBytes(8).toString('hex'), psmos: plan.psmos }, context);
      outcome.switched.push({ tenant, eid, to: plan.to });
    });
  }
  return outcome;
};

