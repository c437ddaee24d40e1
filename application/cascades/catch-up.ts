import { createHash } from 'node:crypto';
import { becameAvailable, newlyChosen, outOfUseToCatchUp, policyToCatchUp, simStateToCatchUp } from '../../domain/cascade/catch-up.ts';
import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import { simStateAfter } from '../../domain/cascade/process.ts';
import type { TargetStatus } from '../../domain/cascade/target.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { fold, type Decider } from '../../domain/decider.ts';
import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import { readEvents } from '../../domain/events.ts';
import { eventsOf, type EventStore } from '../../domain/event-store.ts';
import { mnoDecider, unavailableReason } from '../../domain/mno/decider.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { BusEvent } from '../bus-events.ts';
import type { CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import { cascadeStream, enterpriseStream, mnoStream, policyStream, simStream } from '../stream-ids.ts';
import { inBatches } from '../in-batches.ts';
import { liveCascade } from './live.ts';
import { simCascadeId } from './cascade-ids.ts';
import { recordCascade } from './record.ts';
import { redriveCascade } from './redrive.ts';

/** What catch-up needs besides the event store: lists the read models keep (they may lag: each item is checked against its stream). */
export interface CatchUpPorts {
  store: EventStore;
  region: string;
  now(): number;
  /** The active enterprises that chose this MNO. */
  tenantsUsing(mno: string): Promise<string[]>;
  /** The tenant's published policies (ids). */
  policiesOf(tenant: string): Promise<string[]>;
  /** The tenant's SIMs with a profile on this MNO (EIDs). */
  simsOn(tenant: string, mno: string): Promise<string[]>;
}

/** The events that can make an MNO deserve changes it was not given. */
export const CATCH_UP_EVENTS = ['MnoVerified', 'MnoOutageCleared', 'EnterpriseMnosChosen', 'EnterpriseReinstated'] as const;

export interface CaughtUp {
  tenant: string;
  mno: string;
  cascadeId: string;
  subject: CascadeSubject;
  /** `recorded` a new catch-up cascade; `redriven` an earlier one for the same change that had not succeeded. */
  how: 'recorded' | 'redriven';
}

/** A stream's state before and after the event (by its version). */
const aroundEvent = async <S>(store: EventStore, decider: Pick<Decider<unknown, unknown, S>, 'initialState' | 'evolve' | 'events'>, streamId: string, version: number) => {
  const events = readEvents(eventsOf((await store.load(streamId)).commits), decider.events);
  return { before: fold(decider, decider.initialState, events.slice(0, version - 1)), after: fold(decider, decider.initialState, events.slice(0, version)) };
};

/** How long a change's own cascade may take to be recorded (the rule that records it is on its way) before catch-up stops waiting for it. */
export const UNRECORDED_GRACE_MS = 10 * 60_000;

/**
 * How the change's own cascade stands at this MNO: undefined when the change has none or the MNO is
 * not among its targets; `pending` while it is not recorded yet but may still be (events are
 * handled in no set order, so a catch-up may run before the rule that records it); owed (undefined)
 * when it never was, past the grace (its event was lost to a crash, or dead-lettered).
 */
const targetAt = (cascade: CascadeState | undefined, mno: string, changedAt: string | undefined, now: number): TargetStatus | undefined => {
  if (cascade === undefined) return undefined;
  if (cascade.status === 'none') return now - Date.parse(changedAt ?? '') < UNRECORDED_GRACE_MS ? 'pending' : undefined;
  return cascade.targets.find((t) => t.mno === mno)?.status;
};

/** When the commit holding the stream's event of this version was made. */
const timeOf = (commits: readonly { version: number; events: readonly unknown[]; metadata: { time: string } }[], version: number) =>
  commits.find((c) => version >= c.version && version < c.version + c.events.length)?.metadata.time;

const idOf = (...parts: (string | number)[]) => `catch-up-${createHash('sha256').update(parts.join('#')).digest('hex').slice(0, 32)}`;

/**
 * After an MNO became available (verified again, outage cleared), an enterprise chose MNOs, or an
 * enterprise was reinstated: brings each such MNO up to date for each such enterprise, with a
 * cascade per change (the latest version of each published policy the MNO has not confirmed, the
 * state of each SIM with a profile there that the MNO has not confirmed), to that MNO alone and
 * attributed to the platform (`switchboard:catch-up`). Named after the change, so a repeated
 * event records nothing new, and a later one redrives what did not succeed.
 */
export const catchUpAfter = async (ports: CatchUpPorts, event: BusEvent): Promise<CaughtUp[]> => {
  const { detail } = event;
  const pairs: { tenant: string; mno: string }[] = [];
  if (event['detail-type'] === 'MnoVerified' || event['detail-type'] === 'MnoOutageCleared') {
    const { before, after } = await aroundEvent(ports.store, mnoDecider, detail.streamId, detail.version);
    if (after.status === 'unknown' || !becameAvailable(before, after)) return [];
    const mno = after.registration.id;
    for (const tenant of await ports.tenantsUsing(mno)) pairs.push({ tenant, mno });
  } else if (event['detail-type'] === 'EnterpriseMnosChosen' || event['detail-type'] === 'EnterpriseReinstated') {
    if (!detail.tenant) return [];
    const { before, after } = await aroundEvent(ports.store, enterpriseDecider, detail.streamId, detail.version);
    const mnos = event['detail-type'] === 'EnterpriseReinstated' ? chosenMnos(after) : newlyChosen(before, after);
    for (const mno of mnos) pairs.push({ tenant: detail.tenant, mno });
  }
  const context: CommandContext = { actor: 'switchboard:catch-up', correlationId: detail.eventId, region: ports.region };
  const out: CaughtUp[] = [];
  for (const { tenant, mno } of pairs) out.push(...(await catchUp(ports, tenant, mno, context)));
  return out;
};

/** Brings one MNO up to date for one enterprise, as things stand now (both still choose and deserve it). */
export const catchUp = async (ports: CatchUpPorts, tenant: string, mno: string, context: CommandContext): Promise<CaughtUp[]> => {
  const [{ state: enterprise }, { state: network }] = await Promise.all([
    loadState(ports.store, enterpriseDecider, enterpriseStream(tenant)),
    loadState(ports.store, mnoDecider, mnoStream(mno)),
  ]);
  if (enterprise.status !== 'active' || !enterprise.mnos.includes(mno) || unavailableReason(network)) return [];
  const changes: { cascadeId: string; subject: CascadeSubject }[] = [];
  for (const policyId of await ports.policiesOf(tenant)) {
    const { commits } = await ports.store.load(policyStream(tenant, policyId));
    const events = eventsOf(commits);
    const policy = fold(policyDecider, policyDecider.initialState, readEvents(events, policyDecider.events));
    const latest = policy.latestCascadeId ? (await liveCascade(ports.store, tenant, policy.latestCascadeId)).state : undefined;
    const published = events.findLast((e) => e.type === 'PolicyPublished');
    const subject = policyToCatchUp(policy, targetAt(latest, mno, published && timeOf(commits, published.version), ports.now()));
    if (subject) changes.push({ cascadeId: idOf(tenant, 'policy', subject.policyId, subject.version, mno), subject });
  }
  const simChange = async (eid: string) => {
    const stream = simStream(tenant, eid);
    const { commits } = await ports.store.load(stream);
    const events = eventsOf(commits);
    const sim = fold(simDecider, simDecider.initialState, readEvents(events, simDecider.events));
    // The cascade of the SIM's last state change (application/cascades/plan-sim-cascade.ts names it after the event).
    const change = events.findLast((e) => simStateAfter(e.type) !== undefined);
    const own = change ? (await liveCascade(ports.store, tenant, simCascadeId(stream, change.version))).state : undefined;
    const subject = simStateToCatchUp(sim, mno, targetAt(own, mno, change && timeOf(commits, change.version), ports.now()));
    if (subject) changes.push({ cascadeId: idOf(tenant, 'sim', eid, subject.state, change?.version ?? 0, mno), subject });
    // A previous profile here that a switch left active while the MNO was down: set it out of use now.
    const left = outOfUseToCatchUp(sim, mno);
    if (left) changes.push({ cascadeId: idOf(tenant, 'out-of-use', eid, left.iccid!, events.length, mno), subject: left });
  };
  await inBatches(await ports.simsOn(tenant, mno), simChange);
  const out: CaughtUp[] = [];
  await inBatches(changes, async ({ cascadeId, subject }) => {
    const how = await ensureCascade(ports.store, tenant, cascadeId, subject, mno, context);
    if (how) out.push({ tenant, mno, cascadeId, subject, how });
  });
  return out;
};

/** Records the catch-up cascade; if it exists and ended short of success, redrives it (unless a newer change superseded it). */
const ensureCascade = async (store: EventStore, tenant: string, cascadeId: string, subject: CascadeSubject, mno: string, context: CommandContext) => {
  const { state } = await loadState(store, cascadeDecider, cascadeStream(tenant, cascadeId));
  if (state.status === 'none') {
    await recordCascade(store, tenant, cascadeId, subject, [mno], context);
    return 'recorded' as const;
  }
  if (state.status === 'running' || state.status === 'succeeded') return undefined;
  try {
    await redriveCascade(store, tenant, cascadeId, context);
    return 'redriven' as const;
  } catch (error) {
    if (error instanceof DomainError) return undefined; // superseded, or redriven meanwhile
    throw error;
  }
};
