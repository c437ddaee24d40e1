import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** What ListExecutions says of an execution. */
export interface ExecutionSummary {
  executionArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate?: Date | undefined;
  redriveCount?: number | undefined;
}

export type TargetOutcome = 'running' | 'succeeded' | 'failed' | 'aborted';

/** One Map iteration: one MNO of a cascade. */
export interface TargetProgress {
  index: number;
  label: string;
  /** The last state the iteration entered. */
  state: string | undefined;
  /** Stages of the workflow reached, out of `stages` (the last one is "done"). */
  reached: number;
  stages: number;
  outcome: TargetOutcome;
  /** For a failed item, the last stage it reached (where it failed), else the last state. */
  failedAt?: string | undefined;
  /** Task attempts that failed (each retry follows one). */
  failures: number;
  lastError?: string | undefined;
}

export interface ExecutionProgress extends ExecutionSummary {
  tenant?: string | undefined;
  cascadeId?: string | undefined;
  /** The last state entered on the execution's main path (outside the Map). */
  phase: string | undefined;
  /** Items the Map was given (MapStateStarted), when it has started. */
  total: number | undefined;
  targets: TargetProgress[];
  /** What it is and what its items are, in words (its workflow profile's). */
  subject?: string | undefined;
  items?: string | undefined;
  /** `status` of the execution's output (the cascade's succeeded | partial | failed), or its error. */
  result?: string | undefined;
}

/** How to read a workflow's iterations: its stages in order, and the states that mean the item failed. */
export interface WorkflowProfile {
  /** What an execution is (`cascade`, `bulk operation`), and what its Map's items are (`MNOs`, `chunks`). */
  subject: string;
  items: string;
  stages: readonly string[];
  failureStates: readonly string[];
  /** An item that ended without error can still have failed by what its last state returned. */
  failedOutput(output: Record<string, unknown> | undefined): string | undefined;
  label(item: Record<string, unknown> | undefined, index: number): string;
}

export const CASCADE_PROFILE: WorkflowProfile = {
  subject: 'cascade',
  items: 'MNOs',
  stages: ['ApplyToMno', 'PollJob', 'VerifyOnMno'],
  failureStates: ['RecordFailure'],
  // Not verified is drift only when the target failed on it: a superseded target, or one whose round had ended (no target handed on), is not.
  failedOutput: (output) => (output?.verified === false && (output.target as { status?: unknown } | undefined)?.status === 'failed' ? 'drift: the MNO does not enforce what was declared' : undefined),
  label: (item, index) => (typeof item?.mno === 'string' ? item.mno : `#${index}`),
};

/** A bulk operation: each Map item is a chunk of its manifest (its SIMs' outcomes are in the API). */
export const BULK_PROFILE: WorkflowProfile = {
  subject: 'bulk operation',
  items: 'chunks',
  stages: ['ProcessChunk'],
  failureStates: [],
  failedOutput: () => undefined,
  label: (item, index) => `chunk ${typeof item?.chunk === 'number' ? item.chunk : index}`,
};

/** The profile of a state machine, by its name. */
export const profileOf = (stateMachine: string) => (/bulk/i.test(stateMachine) ? BULK_PROFILE : CASCADE_PROFILE);

const parse = (text: string | undefined): Record<string, unknown> | undefined => {
  try {
    const value = text ? JSON.parse(text) : undefined;
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
};
const ITERATION_END = new Set(['MapIterationSucceeded', 'MapIterationFailed', 'MapIterationAborted']);
const TASK_FAILED = /^(Task|LambdaFunction)(Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;

const failureOf = (event: HistoryEvent) => {
  const details = Object.entries(event).find(([key, v]) => key.endsWith('EventDetails') && v && typeof v === 'object')?.[1] as { error?: string; cause?: string } | undefined;
  if (!details?.error) return undefined;
  const cause = parse(details.cause)?.errorMessage ?? details.cause;
  return cause ? `${details.error}: ${String(cause)}` : details.error;
};

/**
 * Progress of one execution from its history alone — the same reading for the local engine and
 * for AWS. Events are attributed to Map iterations by following `previousEventId` back to a
 * MapIterationStarted; when an item ran more than once (a redrive), its latest run counts.
 */
export const progressOf = (summary: ExecutionSummary, events: readonly HistoryEvent[], profile = CASCADE_PROFILE): ExecutionProgress => {
  const byId = new Map(events.map((e) => [e.id!, e]));
  const iterationOf = new Map<number, number | undefined>();
  const iterations = new Map<number, { index: number; events: HistoryEvent[] }>();
  const latest = new Map<number, number>();
  const progress: ExecutionProgress = { ...summary, phase: undefined, total: undefined, targets: [], subject: profile.subject, items: profile.items };
  for (const event of [...events].sort((a, b) => a.id! - b.id!)) {
    const previous = byId.get(event.previousEventId ?? 0);
    let iteration: number | undefined;
    if (event.type === 'MapIterationStarted') {
      iteration = event.id!;
      const index = event.mapIterationStartedEventDetails?.index ?? 0;
      iterations.set(iteration, { index, events: [] });
      latest.set(index, iteration);
    } else if (previous && !ITERATION_END.has(previous.type!)) iteration = iterationOf.get(previous.id!);
    iterationOf.set(event.id!, iteration);
    if (iteration !== undefined) {
      iterations.get(iteration)!.events.push(event);
      continue;
    }
    if (event.type === 'ExecutionStarted') {
      const input = parse(event.executionStartedEventDetails?.input);
      progress.tenant = typeof input?.tenant === 'string' ? input.tenant : undefined;
      const id = input?.cascadeId ?? input?.bulkId;
      progress.cascadeId = typeof id === 'string' ? id : undefined;
    }
    if (event.stateEnteredEventDetails && event.type?.endsWith('StateEntered')) progress.phase = event.stateEnteredEventDetails.name;
    if (event.type === 'MapStateStarted') progress.total = event.mapStateStartedEventDetails?.length;
    if (event.type === 'ExecutionSucceeded') {
      // A cascade's output is its completion; a bulk operation's keeps it under `result`.
      const output = parse(event.executionSucceededEventDetails?.output);
      progress.result = String(output?.status ?? (output?.result as { status?: unknown } | undefined)?.status ?? 'done');
    }
    if (/^Execution(Failed|Aborted|TimedOut)$/.test(event.type!)) progress.result = failureOf(event) ?? event.type!.replace('Execution', '').toLowerCase();
  }
  const stopped = summary.status !== 'RUNNING';
  for (const id of [...latest.values()].sort((a, b) => iterations.get(a)!.index - iterations.get(b)!.index)) {
    const { index, events: own } = iterations.get(id)!;
    const entered = own.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name!);
    const first = own.find((e) => e.type?.endsWith('StateEntered'));
    const end = own.find((e) => ITERATION_END.has(e.type!));
    const failures = own.filter((e) => TASK_FAILED.test(e.type!));
    const exited = own.findLast((e) => e.type?.endsWith('StateExited'));
    const drift = end ? profile.failedOutput(parse(exited?.stateExitedEventDetails?.output)) : undefined;
    const failedItem = drift !== undefined || entered.some((s) => profile.failureStates.includes(s));
    const reached = Math.max(0, ...entered.map((s) => profile.stages.indexOf(s) + 1));
    const outcome: TargetOutcome =
      end?.type === 'MapIterationSucceeded' ? (failedItem ? 'failed' : 'succeeded')
      : end?.type === 'MapIterationFailed' ? 'failed'
      : end || stopped ? 'aborted'
      : 'running';
    progress.targets.push({
      index,
      label: profile.label(parse(first?.stateEnteredEventDetails?.input), index),
      state: entered.at(-1),
      reached: outcome === 'succeeded' ? profile.stages.length + 1 : reached,
      stages: profile.stages.length + 1,
      outcome,
      failedAt: outcome === 'failed' ? (profile.stages[reached - 1] ?? entered.at(-1)) : undefined,
      failures: failures.length,
      lastError: drift ?? (failures.length ? failureOf(failures.at(-1)!) : undefined),
    });
  }
  return progress;
};
