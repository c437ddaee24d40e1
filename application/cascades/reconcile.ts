import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { executionName } from '../../domain/cascade/process.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { executeCommand } from '../command.ts';
import { inBatches } from '../in-batches.ts';
import { cascadeStream } from '../stream-ids.ts';
import { stateOf } from '../load-state.ts';

/** How often one round is resumed before the reconciler stops and reports it stuck (a broken step, a missing grant: resuming will not help). */
export const MAX_RESUMES = 5;

/** An execution as Step Functions describes it. */
export interface ExecutionSeen {
  status: string;
  /** When it stopped (absent while it runs). */
  stopDate?: Date | undefined;
}

/** What the reconciler needs from where it runs. */
export interface ReconcilePorts {
  store: EventStore;
  /** The cascades the read models say are running, every tenant's (they may lag: each is checked against its stream). */
  open(): Promise<{ tenant: string; cascadeId: string }[]>;
  /** The execution of that name, or undefined when there is none. */
  execution(name: string): Promise<ExecutionSeen | undefined>;
  /** Starts the execution of a cascade's round under an attempt's name. */
  start(tenant: string, cascadeId: string, round: number, attempt: number): Promise<void>;
  region: string;
  now(): number;
  /** How long an execution may take to appear after its round began (the start goes through the stream and the bus). */
  graceMs: number;
  /** How long after an execution stopped its task functions may still be running (their timeout): its round is resumed only after. */
  settleMs: number;
  /** The longest an execution runs (the state machine's timeout): how long another region's round is left to that region. */
  executionTimeoutMs: number;
  /** Since when this region has held the publishing lease: any other region's executions are fenced since (they act for an attempt no longer current once resumed). */
  leaseSinceMs?: number | undefined;
}

/** Whether a round another region began may be resumed here already: this region took the lease over long enough ago for the other's tasks to have stopped. */
export const othersFenced = (ports: { now(): number; settleMs: number; leaseSinceMs?: number | undefined }) => ports.leaseSinceMs !== undefined && ports.now() - ports.leaseSinceMs >= ports.settleMs;

export interface Reconciliation {
  checked: number;
  /** The cascades resumed: `<tenant>/<cascade id>` and the execution that ran them no more. */
  resumed: { tenant: string; cascadeId: string; round: number; attempt: number; was: string; status: string }[];
  /** Rounds resumed MAX_RESUMES times already: left for an operator (an alarm keys on them). */
  stuck: { tenant: string; cascadeId: string; round: number; attempt: number }[];
  /** Cascades that could not be checked this time (a throttled call…): the next run tries again. */
  errors: { tenant: string; cascadeId: string; error: string }[];
}

/** Execution statuses in which it may still act: running, or waiting to be redriven. */
const LIVE = new Set(['RUNNING', 'PENDING_REDRIVE']);

/**
 * Every cascade that is `running` without a live execution is resumed: its round runs again under
 * the next attempt's name. That covers an execution that failed, timed out or was aborted, one the
 * local runtime lost when its process died, one that never started (its start event lost), and,
 * once no execution of it can still run anywhere (`executionTimeoutMs`), one whose region was lost.
 * Resuming is idempotent: two reconcilers resume a round once (`ResumeCascade` holds only for the
 * attempt found gone), and an older attempt's execution that still runs or starts late changes
 * nothing (each step acts only for the current attempt). Each cascade is checked on its own: one
 * that fails to be checked does not stop the others.
 */
export const reconcileCascades = async (ports: ReconcilePorts): Promise<Reconciliation> => {
  const out: Reconciliation = { checked: 0, resumed: [], stuck: [], errors: [] };
  const open = await ports.open();
  const check = async ({ tenant, cascadeId }: { tenant: string; cascadeId: string }) => {
    out.checked++;
    try {
      await reconcileOne(ports, tenant, cascadeId, out);
    } catch (error) {
      out.errors.push({ tenant, cascadeId, error: (error as Error).name });
    }
  };
  // A few at a time: the calls to Step Functions stay within its quotas.
  await inBatches(open, check, 8);
  return out;
};

const reconcileOne = async (ports: ReconcilePorts, tenant: string, cascadeId: string, out: Reconciliation) => {
  const stream = cascadeStream(tenant, cascadeId);
  const { commits } = await ports.store.load(stream);
  const cascade = stateOf(cascadeDecider, commits);
  if (cascade.status !== 'running') return;
  // The commit that began this attempt (its start, redrive or resume): when, and in which region.
  const began = commits.at(-1)!.metadata;
  const age = ports.now() - Date.parse(began.time);
  // Another region runs its own executions (this one cannot see them): its round is left to it
  // until no execution of it can still be running anywhere (a lost region's, then, is resumed here),
  // or until this region has held the publishing lease for the settle time (the other is fenced).
  if (began.region !== ports.region && !othersFenced(ports) && age <= ports.executionTimeoutMs + ports.graceMs + ports.settleMs) return;
  const name = executionName(cascadeId, cascade.round, cascade.attempt);
  const seen = await ports.execution(name);
  if (seen && LIVE.has(seen.status)) return;
  // Not there yet: its start may still be on its way, unless the round began long enough ago.
  if (!seen && age < ports.graceMs) return;
  // Stopped: its task functions may still be finishing a call; they have until their timeout.
  if (seen?.stopDate && ports.now() - seen.stopDate.getTime() < ports.settleMs) return;
  if (cascade.attempt >= MAX_RESUMES) {
    out.stuck.push({ tenant, cascadeId, round: cascade.round, attempt: cascade.attempt });
    return;
  }
  const context = { actor: 'switchboard:reconciler', correlationId: cascadeId, region: ports.region };
  const { state, changed } = await executeCommand(ports.store, cascadeDecider, stream, { type: 'ResumeCascade', round: cascade.round, gone: cascade.attempt }, context);
  if (!changed || state.status === 'none') return; // another reconciler resumed it
  await ports.start(tenant, cascadeId, state.round, state.attempt);
  out.resumed.push({ tenant, cascadeId, round: state.round, attempt: state.attempt, was: name, status: seen?.status ?? 'none' });
};
