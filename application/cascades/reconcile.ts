import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { executionName } from '../../domain/cascade/process.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { readEvents } from '../../domain/events.ts';
import { fold } from '../../domain/decider.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { executeCommand } from '../command.ts';
import { cascadeStream } from '../stream-ids.ts';

/** What the reconciler needs from where it runs. */
export interface ReconcilePorts {
  store: EventStore;
  /** The cascades the read models say are running, every tenant's (they may lag: each is checked against its stream). */
  open(): Promise<{ tenant: string; cascadeId: string }[]>;
  /** The status of the execution of that name (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), or undefined when there is none. */
  executionStatus(name: string): Promise<string | undefined>;
  /** Starts the execution of a cascade's round under an attempt's name. */
  start(tenant: string, cascadeId: string, round: number, attempt: number): Promise<void>;
  region: string;
  now(): number;
  /** How long an execution may take to appear after its round began (the start goes through the stream and the bus). */
  graceMs: number;
  /** The longest an execution runs (the state machine's timeout): how long another region's round is left to that region. */
  executionTimeoutMs: number;
}

export interface Reconciliation {
  checked: number;
  /** The cascades resumed: `<tenant>/<cascade id>` and the execution that ran them no more. */
  resumed: { tenant: string; cascadeId: string; round: number; attempt: number; was: string; status: string }[];
}

/**
 * Every cascade that is `running` without a live execution is resumed: its round runs again under
 * the next attempt's name. That covers an execution that failed, timed out or was aborted, one the
 * local runtime lost when its process died, one that never started (its start event lost), and,
 * once no execution of it can still run anywhere (`executionTimeoutMs`), one whose region was lost. Resuming is idempotent: two reconcilers resume a round once
 * (`ResumeCascade` holds only for the attempt found gone), and the steps never repeat one that
 * completed (a finished target gets no call; planning, applying and completing are per round).
 */
export const reconcileCascades = async (ports: ReconcilePorts): Promise<Reconciliation> => {
  const out: Reconciliation = { checked: 0, resumed: [] };
  for (const { tenant, cascadeId } of await ports.open()) {
    out.checked++;
    const stream = cascadeStream(tenant, cascadeId);
    const { commits } = await ports.store.load(stream);
    const cascade = fold(cascadeDecider, cascadeDecider.initialState, readEvents(eventsOf(commits), cascadeDecider.events));
    if (cascade.status !== 'running') continue;
    // The commit that began this attempt (its start, redrive or resume): when, and in which region.
    const began = commits.at(-1)!.metadata;
    const age = ports.now() - Date.parse(began.time);
    // Another region runs its own executions (this one cannot see them): its round is left to it
    // until no execution of it can still be running anywhere (a lost region's, then, is resumed here).
    if (began.region !== ports.region && age <= ports.executionTimeoutMs + ports.graceMs) continue;
    const name = executionName(cascadeId, cascade.round, cascade.attempt);
    const status = await ports.executionStatus(name);
    if (status === 'RUNNING') continue;
    // Not there yet: its start may still be on its way, unless the round began long enough ago.
    if (status === undefined && age < ports.graceMs) continue;
    const context = { actor: 'switchboard:reconciler', correlationId: cascadeId, region: ports.region };
    const { state, changed } = await executeCommand(ports.store, cascadeDecider, stream, { type: 'ResumeCascade', round: cascade.round, gone: cascade.attempt }, context);
    if (!changed || state.status === 'none') continue; // another reconciler resumed it
    await ports.start(tenant, cascadeId, state.round, state.attempt);
    out.resumed.push({ tenant, cascadeId, round: state.round, attempt: state.attempt, was: name, status: status ?? 'none' });
  }
  return out;
};
