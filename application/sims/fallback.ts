import { createHash } from 'node:crypto';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import { BulkRequest } from '../../domain/bulk/request.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { startBulkOperation } from '../bulk/start.ts';
import { executeCommand } from '../command.ts';
import type { BusEvent } from '../bus-events.ts';
import { loadState } from '../load-state.ts';
import { bulkStream, enterpriseStream, mnoStream } from '../stream-ids.ts';

/** Who fallback's operations are attributed to. */
export const FALLBACK_ACTOR = 'switchboard:fallback';

/** What fallback needs besides the event store: the read models' lists. */
export interface FallbackPorts {
  store: EventStore;
  region: string;
  /** The enterprises that chose this MNO. */
  tenantsUsing(mno: string): Promise<string[]>;
  /** The ids of the tenant's most recent bulk operations started by this actor, newest first. */
  recentOperationsBy(tenant: string, actor: string): Promise<string[]>;
  /** Now, in milliseconds. */
  nowMs(): number;
}

export interface FallbackOutcome {
  mno: string;
  /** The bulk operations started (one per enterprise), by tenant. */
  operations: { tenant: string; bulkId: string }[];
}

/** An id derived from what caused the operation: a redelivered event starts the same operation again, i.e. nothing. */
const derivedId = (...parts: string[]) => `bulk-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;

const mnoOf = (event: BusEvent) => /^MNO#([^#]+)$/.exec(event.detail.streamId)?.[1];

/**
 * Fallback, a process manager over bulk operations:
 * - `MnoOutageDeclared`: for every enterprise that chose the MNO, a bulk `enable-profile` away from
 *   it over its active SIMs whose enabled profile is there (attributed to `switchboard:fallback`):
 *   each switches to its fallback profile, or another installed one, on an MNO that can take work,
 *   by an eIM package with rollback; one with none is skipped `no-fallback`, and the operation's
 *   completion raises the alert that names them (`SimsLeftWithoutFallback`).
 * - `MnoOutageCleared`: a fallback from the MNO still running is cancelled (its SIMs not yet moved
 *   stay); for every enterprise that chose `fallbackReturn: "automatic"`, each of its recent
 *   fallbacks from the MNO gets a bulk `enable-profile` back onto it over the SIMs it switched, after
 *   the enterprise's hold-down (`notBefore`), once that fallback has ended; a SIM whose MNO is in
 *   outage again by then stays, and goes back after a later clearing (every recent fallback is
 *   returned again then: a SIM back already is skipped).
 * A redelivered event starts nothing more (the operations' ids derive from the event). One
 * enterprise's failure does not stop the others': it is thrown at the end, so the event is
 * delivered again.
 */
export const fallBack = async (ports: FallbackPorts, event: BusEvent): Promise<FallbackOutcome | undefined> => {
  const type = event['detail-type'];
  const mno = mnoOf(event);
  if (!mno || (type !== 'MnoOutageDeclared' && type !== 'MnoOutageCleared')) return undefined;
  // Cleared already, or in outage again (a late delivery): nothing to do for this event.
  const { state } = await loadState(ports.store, mnoDecider, mnoStream(mno));
  const inOutage = state.status !== 'unknown' && state.outage !== undefined;
  if ((type === 'MnoOutageDeclared') !== inOutage) return { mno, operations: [] };
  const context = { actor: FALLBACK_ACTOR, startedBy: FALLBACK_ACTOR, correlationId: event.detail.eventId, region: ports.region };
  const operations: FallbackOutcome['operations'] = [];
  const failures: unknown[] = [];
  for (const tenant of await ports.tenantsUsing(mno)) {
    try {
      if (type === 'MnoOutageDeclared') {
        const bulkId = derivedId(event.detail.eventId, tenant);
        const request = BulkRequest.parse({ action: 'enable-profile', selector: { enabledOn: mno, state: 'active' }, awayFrom: mno });
        await startBulkOperation(ports.store, tenant, request, { ...context, bulkId });
        operations.push({ tenant, bulkId });
        continue;
      }
      const fallbacks = await fallbacksFrom(ports, tenant, mno);
      for (const f of fallbacks.filter((f) => f.running))
        await executeCommand(ports.store, bulkDecider, bulkStream(tenant, f.id), { type: 'CancelBulkOperation', by: FALLBACK_ACTOR, reason: `${mno} recovered` }, context);
      const { state: enterprise } = await loadState(ports.store, enterpriseDecider, enterpriseStream(tenant));
      if (enterprise.status !== 'active' || enterprise.settings.fallbackReturn !== 'automatic') continue;
      const notBefore = new Date(ports.nowMs() + enterprise.settings.fallbackReturnAfterSeconds * 1000).toISOString();
      for (const f of fallbacks) {
        const bulkId = derivedId(f.id, 'return', event.detail.eventId);
        const request = BulkRequest.parse({ action: 'enable-profile', selector: { operation: f.id, outcome: 'succeeded' }, mno });
        await startBulkOperation(ports.store, tenant, request, { ...context, bulkId, notBefore });
        operations.push({ tenant, bulkId });
      }
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return { mno, operations };
};

/** The tenant's recent fallbacks away from this MNO (by their own streams, not the list's copy), and whether each still runs. */
const fallbacksFrom = async (ports: FallbackPorts, tenant: string, mno: string) => {
  const found: { id: string; running: boolean }[] = [];
  for (const id of await ports.recentOperationsBy(tenant, FALLBACK_ACTOR)) {
    const { state } = await loadState(ports.store, bulkDecider, bulkStream(tenant, id));
    if (state.status !== 'none' && state.request.action === 'enable-profile' && state.request.awayFrom === mno) found.push({ id, running: state.status === 'running' });
  }
  return found;
};
