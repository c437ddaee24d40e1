import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExecutionStatus } from './engine.ts';
import type { HistoryEvent } from './history.ts';
import { replaceFileSync } from '../replace-file.ts';

/**
 * A state machine's executions on disk, so that they outlive the process (`npm run ops --
 * executions` after a restart): `<dataDir>/executions/<state machine name>.ndjson`, mode 0600,
 * one JSON object per line, appended as things happen:
 *
 *   {"start":{"executionArn","stateMachineArn","name","input","startDate"}}   an execution started
 *   {"arn":"<executionArn>","event":{…}}      one event of its history, as GetExecutionHistory returns it
 *   {"arn":"<executionArn>","status":"SUCCEEDED"|"FAILED"|"ABORTED"|"TIMED_OUT"|"RUNNING",
 *    "output"?,"error"?,"cause"?,"stopDate"?,"redriveCount","redriveDate"?}   its status changed
 *
 * Dates are ms since the epoch. An execution is its start line, its events in order and its last
 * status. One whose last status is RUNNING, or that has none, was running when the runtime
 * stopped, and is RUNNING when read back, unless its history (after its last ExecutionRedriven)
 * ends with ExecutionSucceeded, ExecutionFailed, ExecutionAborted or ExecutionTimedOut: then it
 * finished before its status was written, and that event gives the status. The engine marks an
 * execution that was still running ABORTED (`Runtime.Stopped`) when it reads it back: nothing runs
 * it any more, and the cascade reconciler resumes its work under a new execution.
 *
 * Bounded: opening the journal rewrites it with the newest `maxExecutions` executions and every
 * unfinished one; while running, it is rewritten so when it holds twice as many.
 */

export interface JournaledExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: number;
  status: ExecutionStatus;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
  stopDate?: number | undefined;
  redriveCount: number;
  redriveDate?: number | undefined;
  events: HistoryEvent[];
}

type Line =
  | { start: Pick<JournaledExecution, 'executionArn' | 'stateMachineArn' | 'name' | 'input' | 'startDate'> }
  | { arn: string; event: HistoryEvent }
  | ({ arn: string; status: ExecutionStatus } & Pick<JournaledExecution, 'output' | 'error' | 'cause' | 'stopDate' | 'redriveCount' | 'redriveDate'>);

const FINAL: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

/** How the history ends: the status its last event gives, if that event ends the (latest run of the) execution. */
const finalDetails = (e: JournaledExecution): Partial<JournaledExecution> | undefined => {
  const last = e.events.at(-1);
  const status = last && FINAL[last.type];
  if (!last || !status) return undefined;
  const details = (last[`${last.type[0]!.toLowerCase()}${last.type.slice(1)}EventDetails`] ?? {}) as { output?: string; error?: string; cause?: string };
  return { status, output: details.output, error: details.error, cause: details.cause, stopDate: Math.round(last.timestamp * 1000) };
};

/** The executions a journal file holds, oldest first (a missing file holds none; a torn last line is skipped). */
export const readExecutionJournal = (file: string): JournaledExecution[] => {
  if (!existsSync(file)) return [];
  const executions = new Map<string, JournaledExecution>();
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue; // a line the process died writing
    }
    if ('start' in line) executions.set(line.start.executionArn, { ...line.start, status: 'RUNNING', redriveCount: 0, events: [] });
    else if ('event' in line) executions.get(line.arn)?.events.push(line.event);
    else {
      const e = executions.get(line.arn);
      if (!e) continue;
      const { arn: _, ...status } = line;
      Object.assign(e, { output: undefined, error: undefined, cause: undefined, stopDate: undefined }, status);
    }
  }
  for (const e of executions.values()) if (e.status === 'RUNNING') Object.assign(e, finalDetails(e));
  return [...executions.values()];
};

const linesOf = (e: JournaledExecution): string => {
  const { events, status, output, error, cause, stopDate, redriveCount, redriveDate, ...start } = e;
  const lines: Line[] = [{ start }, ...events.map((event) => ({ arn: e.executionArn, event })), { arn: e.executionArn, status, output, error, cause, stopDate, redriveCount, redriveDate }];
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
};

/** What the journal needs of an execution whose status changed. */
export interface ExecutionState {
  executionArn: string;
  status: ExecutionStatus;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
  stopDate?: Date | undefined;
  redriveCount: number;
  redriveDate?: Date | undefined;
}

export class ExecutionJournal {
  private fd: number | undefined;
  private executions = 0;

  constructor(
    readonly file: string,
    private readonly maxExecutions = 100,
  ) {}

  /** Reads the journal, rewrites it bounded, and opens it for appending; returns what it held. */
  open(): JournaledExecution[] {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const kept = this.compact();
    this.fd = openSync(this.file, 'a', 0o600);
    return kept;
  }

  started(e: { executionArn: string; stateMachineArn: string; name: string; input: string; startDate: Date }) {
    this.append({ start: { executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, input: e.input, startDate: e.startDate.getTime() } });
    if (++this.executions > 2 * this.maxExecutions && this.fd !== undefined) {
      closeSync(this.fd);
      this.compact();
      this.fd = openSync(this.file, 'a', 0o600);
    }
  }

  event(executionArn: string, event: HistoryEvent) {
    this.append({ arn: executionArn, event });
  }

  status(e: ExecutionState) {
    const { executionArn, status, output, error, cause, stopDate, redriveCount, redriveDate } = e;
    this.append({ arn: executionArn, status, output, error, cause, stopDate: stopDate?.getTime(), redriveCount, redriveDate: redriveDate?.getTime() });
  }

  /** Nothing more is written: what runs on is RUNNING when read back (a shutdown interrupts, it does not finish). */
  close() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(line: Line) {
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  /** Rewrites the file with the newest `maxExecutions` executions and every unfinished one. */
  private compact(): JournaledExecution[] {
    const all = readExecutionJournal(this.file).sort((a, b) => a.startDate - b.startDate);
    const newest = new Set(all.slice(-this.maxExecutions));
    const kept = all.filter((e) => newest.has(e) || e.status === 'RUNNING');
    replaceFileSync(this.file, kept.map(linesOf).join(''));
    this.executions = kept.length;
    return kept;
  }
}
