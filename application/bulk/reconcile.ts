import { othersFenced } from '../cascades/reconcile.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import type { ExecutionSeen } from '../cascades/reconcile.ts';
import { executeCommand } from '../command.ts';
import { inBatches } from '../in-batches.ts';
import { bulkStream } from '../stream-ids.ts';
import { stateOf } from '../load-state.ts';

/** How often an operation is resumed before the reconciler stops and reports it stuck. */
export const MAX_BULK_RESUMES = 5;

export interface BulkReconcilePorts {
  store: EventStore;
  /** The operations the read models say are running (they may lag: each is checked on its stream). */
  open(): Promise<{ tenant: string; bulkId: string }[]>;
  /** The execution of an operation's attempt, or undefined when there is none. */
  execution(bulkId: string, attempt: number): Promise<ExecutionSeen | undefined>;
  start(input: { tenant: string; bulkId: string; attempt: number; notBefore?: string | undefined }): Promise<void>;
  region: string;
  now(): number;
  /** How long an execution may take to appear after the operation started or was resumed. */
  graceMs: number;
  /** How long after an execution stopped its task functions may still run: resumed only after. */
  settleMs: number;
  /** The longest an execution runs (the state machine's timeout): how long an operation another region runs is left to it. */
  executionTimeoutMs: number;
  /** Since when this region has held the publishing lease (see application/cascades/reconcile.ts). */
  leaseSinceMs?: number | undefined;
}

const LIVE = new Set(['RUNNING', 'PENDING_REDRIVE']);

/**
 * Every bulk operation `running` without a live execution is resumed under the next attempt (its
 * execution lost with a process, failed, timed out, aborted, or never started). Every step of the
 * state machine is idempotent (the selection writes the same chunks, a recorded chunk is not run
 * again, a SIM's command has its own id, completion once), so a resumed operation finishes what
 * the lost one began and repeats nothing. Two reconcilers resume it once (`ResumeBulkOperation`
 * holds for the next attempt only).
 */
export const reconcileBulkOperations = async (ports: BulkReconcilePorts) => {
  const out = { checked: 0, resumed: [] as { tenant: string; bulkId: string; attempt: number; was: string }[], stuck: [] as { tenant: string; bulkId: string }[], errors: [] as { bulkId: string; error: string }[] };
  await inBatches(
    await ports.open(),
    async ({ tenant, bulkId }) => {
      out.checked++;
      try {
        const stream = bulkStream(tenant, bulkId);
        const { commits } = await ports.store.load(stream);
        const op = stateOf(bulkDecider, commits);
        if (op.status !== 'running') return;
        const last = commits.at(-1)!.metadata;
        const since = Date.parse(last.time);
        // Started (or resumed) in the other region: its execution runs there, out of sight; it is this region's only once none can still run.
        if (last.region !== ports.region && !othersFenced(ports) && ports.now() - since <= ports.executionTimeoutMs + ports.graceMs + ports.settleMs) return;
        const seen = await ports.execution(bulkId, op.attempt);
        if (seen && LIVE.has(seen.status)) return;
        // Not yet started (its start goes through the stream and the bus), or stopped so recently that its tasks may still run.
        if (!seen && ports.now() - since < ports.graceMs) return;
        if (seen?.stopDate && ports.now() - seen.stopDate.getTime() < ports.settleMs) return;
        if (op.attempt >= MAX_BULK_RESUMES) return void out.stuck.push({ tenant, bulkId });
        const was = seen?.status ?? 'NEVER_STARTED';
        const context = { actor: 'switchboard:reconciler', correlationId: bulkId, region: ports.region };
        const { changed } = await executeCommand(ports.store, bulkDecider, stream, { type: 'ResumeBulkOperation', attempt: op.attempt + 1, was }, context);
        if (!changed) return;
        await ports.start({ tenant, bulkId, attempt: op.attempt + 1, ...(op.notBefore && { notBefore: op.notBefore }) });
        out.resumed.push({ tenant, bulkId, attempt: op.attempt + 1, was });
      } catch (error) {
        out.errors.push({ bulkId, error: (error as Error).name });
      }
    },
    8,
  );
  return out;
};
