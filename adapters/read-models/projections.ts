import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { alertDecider, type AlertState } from '../../domain/alerts/decider.ts';
import type { AlertEvent } from '../../domain/alerts/events.ts';
import { bulkDecider, type BulkState } from '../../domain/bulk/decider.ts';
import type { BulkEvent } from '../../domain/bulk/events.ts';
import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import type { CascadeEvent } from '../../domain/cascade/events.ts';
import type { RecordedEvent } from '../../domain/event-store.ts';
import { readEvent, type EventSchemas } from '../../domain/events.ts';
import { mnoDecider, unavailableReason, type MnoState } from '../../domain/mno/decider.ts';
import type { MnoEvent } from '../../domain/mno/events.ts';
import { simDecider, type SimState } from '../../domain/sim/decider.ts';
import { enterpriseDecider, type EnterpriseState } from '../../domain/enterprise/decider.ts';
import type { EnterpriseEvent } from '../../domain/enterprise/events.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyEvent } from '../../domain/policy/events.ts';
import type { SimEvent } from '../../domain/sim/events.ts';

/**
 * One kind of read-model row: which event-store streams it projects, the state it folds from
 * their events (the aggregate's own decider, so a row never disagrees with the aggregate), and
 * how that state is listed. Pure: the projector and the rebuild share it, so they agree exactly.
 */
export interface Projection<S> {
  /** For a stream it projects: the list its row belongs to (`T#<tenant>#SIM`) and the stream's id in it. */
  match(streamId: string): { list: string; id: string } | undefined;
  readonly initial: S;
  /** `time` is the time of the commit the event belongs to. */
  evolve(state: S, event: RecordedEvent, time: string): S;
  /** The row's status and sort key, and what list queries filter on; undefined while there is nothing to list. */
  index(state: S): { status: string; sortKey: string; attributes: Record<string, AttributeValue> } | undefined;
}

const strings = (values: readonly string[]): AttributeValue => ({ L: values.map((S) => ({ S })) });

/**
 * The event, read as its type's current version by the aggregate's own schemas (domain/events.ts:
 * a type its stream may not hold fails the projection loudly).
 */
const own = <E>(decider: { events: EventSchemas }, event: RecordedEvent): E => readEvent(event, decider.events) as unknown as E;

/** Labels, where an event carries them (`labels` on registration, once SIMs have them). */
const labelsOf = (data: unknown): string[] | undefined => {
  const labels = (data as { labels?: unknown } | null)?.labels;
  return Array.isArray(labels) && labels.every((l) => typeof l === 'string') ? labels : undefined;
};

const tenantStream = (kind: string) => {
  const pattern = new RegExp(`^T#([^#]+)#${kind}#([^#]+)$`);
  return (streamId: string) => {
    const m = pattern.exec(streamId);
    return m ? { list: `T#${m[1]}#${kind}`, id: m[2]! } : undefined;
  };
};

export interface SimRow {
  sim: SimState;
  labels: string[];
}

export const simProjection: Projection<SimRow> = {
  match: tenantStream('SIM'),
  initial: { sim: simDecider.initialState, labels: [] },
  evolve: (row, event) => {
    const e = own<SimEvent>(simDecider, event);
    return { sim: simDecider.evolve(row.sim, e), labels: labelsOf(e.data) ?? row.labels };
  },
  index: ({ sim, labels }) =>
    sim.status === 'unregistered'
      ? undefined
      : {
          status: sim.status,
          sortKey: sim.eid,
          attributes: {
            mnos: strings([...new Set(sim.profiles.map((p) => p.mno))]),
            labels: strings(labels),
            // The MNO of the enabled profile (what fallback selects on).
            enabledMno: { S: sim.profiles.find((p) => p.iccid === sim.enabledProfile)?.mno ?? '' },
          },
        },
};

export interface CascadeRow {
  cascade: CascadeState;
  /** When it was started: lists show the newest first. */
  startedAt: string;
}

export const cascadeProjection: Projection<CascadeRow> = {
  match: tenantStream('CASCADE'),
  initial: { cascade: cascadeDecider.initialState, startedAt: '' },
  evolve: (row, event, time) => {
    const e = own<CascadeEvent>(cascadeDecider, event);
    return { cascade: cascadeDecider.evolve(row.cascade, e), startedAt: e.type === 'CascadeStarted' ? time : row.startedAt };
  },
  index: ({ cascade, startedAt }) =>
    cascade.status === 'none'
      ? undefined
      : { status: cascade.status, sortKey: `${startedAt}#${cascade.cascadeId}`, attributes: (cascade.status === 'running' ? { openKey: { S: OPEN_CASCADES_KEY } } : {}) as Record<string, AttributeValue> },
};

export const mnoProjection: Projection<MnoState> = {
  match: (streamId) => {
    const m = /^MNO#([^#]+)$/.exec(streamId);
    return m ? { list: 'MNO', id: m[1]! } : undefined;
  },
  initial: mnoDecider.initialState,
  evolve: (state, event) => {
    return mnoDecider.evolve(state, own<MnoEvent>(mnoDecider, event));
  },
  index: (state) =>
    state.status === 'unknown'
      ? undefined
      : { status: state.status, sortKey: state.registration.id, attributes: { available: { BOOL: unavailableReason(state) === undefined } } },
};

/** Enterprises, platform-wide: their status and the MNOs each chose (whom catch-up brings an MNO up to date for). */
export const enterpriseProjection: Projection<EnterpriseState> = {
  match: (streamId) => {
    const m = /^T#([^#]+)#ENTERPRISE$/.exec(streamId);
    return m ? { list: ENTERPRISES_LIST, id: m[1]! } : undefined;
  },
  initial: enterpriseDecider.initialState,
  evolve: (state, event) => enterpriseDecider.evolve(state, own<EnterpriseEvent>(enterpriseDecider, event)),
  index: (state) => (state.status === 'none' ? undefined : { status: state.status, sortKey: state.tenantId, attributes: { mnos: strings(state.mnos) } }),
};
export const ENTERPRISES_LIST = 'ENTERPRISE';

/** A tenant's policies once published: the latest version (the documents stay in the event store). */
export interface PolicyRow {
  policyId: string;
  latestVersion: number;
}

export const policyProjection: Projection<PolicyRow> = {
  match: tenantStream('POLICY'),
  initial: { policyId: '', latestVersion: 0 },
  evolve: (row, event) => {
    const e = own<PolicyEvent>(policyDecider, event);
    return e.type === 'PolicyPublished' ? { policyId: e.data.policyId, latestVersion: e.data.version } : row;
  },
  index: (row) => (row.latestVersion === 0 ? undefined : { status: 'published', sortKey: row.policyId, attributes: { latestVersion: { N: String(row.latestVersion) } } }),
};

export interface BulkRow {
  bulk: BulkState;
  startedAt: string;
}

/** A tenant's bulk operations, newest first (their counts are in the bulk-items table). */
export const bulkProjection: Projection<BulkRow> = {
  match: tenantStream('BULK'),
  initial: { bulk: bulkDecider.initialState, startedAt: '' },
  evolve: (row, event, time) => {
    const e = own<BulkEvent>(bulkDecider, event);
    return { bulk: bulkDecider.evolve(row.bulk, e), startedAt: e.type === 'BulkOperationStarted' ? time : row.startedAt };
  },
  index: ({ bulk, startedAt }) =>
    bulk.status === 'none'
      ? undefined
      : { status: bulk.status, sortKey: `${startedAt}#${bulk.bulkId}`, attributes: { startedBy: { S: bulk.startedBy }, ...(bulk.status === 'running' && { openKey: { S: OPEN_BULK_KEY } }) } as Record<string, AttributeValue> },
};

/**
 * A tenant's alerts (one row per SIM and kind: its latest alert), newest first by when it was
 * raised; listed by status (`open`, `acknowledged`, `resolved`), filtered by kind and EID.
 */
export const alertProjection: Projection<AlertState> = {
  match: (streamId) => {
    const m = /^T#([^#]+)#ALERT#([a-z0-9.-]+:[a-z-]+)$/.exec(streamId);
    return m ? { list: `T#${m[1]}#ALERT`, id: m[2]! } : undefined;
  },
  initial: alertDecider.initialState,
  evolve: (state, event) => alertDecider.evolve(state, own<AlertEvent>(alertDecider, event)),
  index: ({ latest }) =>
    latest && { status: latest.status, sortKey: `${latest.firstSeen}#${latest.alertId}`, attributes: { kind: { S: latest.kind }, ...(latest.eid && { eid: { S: latest.eid } }) } },
};

/** The `open` index's partitions: running cascades, and running bulk operations, every tenant's. */
export const OPEN_CASCADES_KEY = 'CASCADE#running';
export const OPEN_BULK_KEY = 'BULK#running';

const PROJECTIONS = [simProjection, cascadeProjection, mnoProjection, enterpriseProjection, policyProjection, bulkProjection, alertProjection] as readonly Projection<unknown>[];

/** The projection of a stream and the stream's place in its list, or undefined for streams no read model shows. */
export const projectionOf = (streamId: string) => {
  for (const projection of PROJECTIONS) {
    const match = projection.match(streamId);
    if (match) return { projection, ...match };
  }
  return undefined;
};
