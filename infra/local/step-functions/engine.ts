import { randomUUID } from 'node:crypto';
import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import { ExecutionHistory } from './history.ts';
import type { ExecutionJournal, JournaledExecution } from './journal.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
  startDate: Date;
  stopDate?: Date | undefined;
  /** How many times RedriveExecution ran it again, and when last. */
  redriveCount: number;
  redriveDate?: Date | undefined;
  /** Its events as GetExecutionHistory answers them. */
  history: ExecutionHistory;
  /** Resolves when the execution (its latest run, after a redrive) stops, whatever the outcome. */
  done: Promise<void>;
  abort(): void;
}

type TaskHandler = (input: unknown) => Promise<unknown>;

export interface LocalStateMachine {
  arn: string;
  name: string;
  definition: object;
  tasks: Record<string, TaskHandler>;
  creationDate: Date;
  /** Where its executions are kept across restarts, if anywhere. */
  journal?: ExecutionJournal | undefined;
}

/** An error the endpoint answers as an AWS JSON error, `__type` = its name. */
export class StepFunctionsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]*:\d{12}:execution:[^:\s]+:[^:\s]+$/;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]*:\d{12}:stateMachine:[^:\s]+$/;
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

export const REDRIVABLE: readonly ExecutionStatus[] = ['FAILED', 'ABORTED', 'TIMED_OUT'];

/**
 * Runs state machines with `aws-local-stepfunctions` (the ASL itself, JSONPath), each Task state
 * mapped to the Lambda handler behind it, keeping each execution's history in AWS's shape.
 * Executions are named; a second start with a name in use answers as Step Functions does: the
 * same execution for the same input while it runs, else ExecutionAlreadyExists.
 *
 * Redrive differs from AWS: AWS resumes from the failed state (only failed Map iterations run
 * again); here the whole definition runs again with the same input under the same ARN, after an
 * ExecutionRedriven event, and `redriveCount` goes up. Handlers that are idempotent (as ours
 * are) make the outcome the same; the history shows the successful steps twice.
 */
export class LocalStepFunctionsEngine {
  readonly machines = new Map<string, LocalStateMachine>();
  readonly executions = new Map<string, Execution>();
  /** Each machine's definition, validated once at registration. */
  private readonly runners = new Map<string, StateMachine>();

  constructor(private readonly overrides: RunOptions['overrides'] = {}) {}

  /**
   * With a journal, the machine's executions are written to it as they run, and those it held are
   * read back: finished ones as they ended, unfinished ones RUNNING (and not run: see journal.ts).
   */
  register(name: string, definition: object, tasks: Record<string, TaskHandler>, journal?: ExecutionJournal): LocalStateMachine {
    const machine: LocalStateMachine = { arn: `arn:aws:states:local:000000000000:stateMachine:${name}`, name, definition, tasks, creationDate: new Date(), journal };
    this.runners.set(machine.arn, new StateMachine(definition as never, { validationOptions: { checkArn: false } }));
    this.machines.set(machine.arn, machine);
    for (const kept of journal?.open() ?? []) this.restore(machine, kept);
    return machine;
  }

  private restore(machine: LocalStateMachine, kept: JournaledExecution) {
    const { events, startDate, stopDate, redriveDate, ...rest } = kept;
    const execution: Execution = {
      ...rest,
      stateMachineArn: machine.arn,
      startDate: new Date(startDate),
      stopDate: stopDate === undefined ? undefined : new Date(stopDate),
      redriveDate: redriveDate === undefined ? undefined : new Date(redriveDate),
      history: new ExecutionHistory(machine.definition),
      abort: () => undefined,
      done: Promise.resolve(),
    };
    execution.history.restore(events);
    this.journaled(execution, machine);
    this.executions.set(execution.executionArn, execution);
    // Unfinished when the process that ran it stopped: nothing runs it any more, and it says so (the
    // cascade reconciler resumes what it was doing under a new execution).
    if (execution.status === 'RUNNING') {
      const stopped = { error: 'Runtime.Stopped', cause: 'the local runtime stopped before this execution finished' };
      execution.history.abortReason = stopped;
      execution.history.record({ type: 'ExecutionAborted', timestamp: Date.now() } as never);
      Object.assign(execution, { status: 'ABORTED', ...stopped, stopDate: new Date() });
      this.changed(execution);
    }
  }

  /** The execution's history events go to its machine's journal as they are added. */
  private journaled(execution: Execution, machine: LocalStateMachine) {
    const journal = machine.journal;
    if (journal) execution.history.onEvent = (event) => journal.event(execution.executionArn, event);
  }

  private changed(execution: Execution) {
    this.machines.get(execution.stateMachineArn)?.journal?.status(execution);
  }

  machine(stateMachineArn: string): LocalStateMachine {
    if (!STATE_MACHINE_ARN.test(stateMachineArn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State machine does not exist: '${stateMachineArn}'`);
    return machine;
  }

  execution(executionArn: string): Execution {
    if (!EXECUTION_ARN.test(executionArn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const execution = this.executions.get(executionArn);
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    return execution;
  }

  start(stateMachineArn: string, name: string | undefined, input: string): Execution {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!NAME.test(executionName)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${executionName}'`);
    try {
      JSON.parse(input);
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
    }
    const executionArn = `arn:aws:states:local:000000000000:execution:${machine.name}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === input && existing.status === 'RUNNING') return existing;
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      redriveCount: 0,
      history: new ExecutionHistory(machine.definition),
      abort: () => undefined,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    machine.journal?.started(execution);
    this.journaled(execution, machine);
    this.launch(execution, machine);
    return execution;
  }

  private launch(execution: Execution, machine: LocalStateMachine) {
    const round = execution.redriveCount;
    const run = this.runners.get(machine.arn)!.run(JSON.parse(execution.input), {
      overrides: { ...this.overrides, taskResourceLocalHandlers: machine.tasks as never },
    });
    execution.abort = run.abort;
    const recorded = (async () => {
      for await (const event of run.eventLogs) execution.history.record(event);
    })();
    // The status changes once the history holds the final event, so a reader never sees one without the other.
    execution.done = Promise.allSettled([run.result, recorded]).then(([result]) => {
      if (execution.redriveCount !== round || execution.status !== 'RUNNING') return;
      if (result.status === 'fulfilled') {
        Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(result.value), stopDate: new Date() });
        return this.changed(execution);
      }
      const error = result.reason as Error;
      const status = error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : error.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
      const failed = status === 'FAILED' ? (execution.history.events.at(-1)?.executionFailedEventDetails as { error?: string; cause?: string } | undefined) : undefined;
      Object.assign(execution, {
        status,
        error: status === 'TIMED_OUT' ? 'States.Timeout' : (failed?.error ?? (error as { cause?: { name?: string } }).cause?.name ?? error.name),
        cause: failed?.cause ?? error.message,
        stopDate: new Date(),
      });
      this.changed(execution);
    });
  }

  /** StopExecution: a running execution becomes ABORTED at once; a stopped one is left as it is. */
  stop(executionArn: string, error?: string, cause?: string): Execution {
    const execution = this.execution(executionArn);
    if (execution.status !== 'RUNNING') return execution;
    execution.history.abortReason = { error, cause };
    Object.assign(execution, { status: 'ABORTED', error, cause, stopDate: new Date() });
    this.changed(execution);
    execution.abort();
    return execution;
  }

  /** RedriveExecution: a FAILED, ABORTED or TIMED_OUT execution runs again (see the class comment). */
  redrive(executionArn: string): Execution {
    const execution = this.execution(executionArn);
    if (!REDRIVABLE.includes(execution.status)) {
      throw new StepFunctionsError('ExecutionNotRedrivable', `Execution is ${execution.status} and cannot be redriven: '${executionArn}'`);
    }
    Object.assign(execution, { status: 'RUNNING', output: undefined, error: undefined, cause: undefined, stopDate: undefined });
    execution.redriveCount += 1;
    execution.redriveDate = new Date();
    this.changed(execution);
    execution.history.redriven(execution.redriveCount);
    this.launch(execution, this.machine(execution.stateMachineArn));
    return execution;
  }

  /** Waits for every running execution (tests, shutdown). */
  async idle() {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  /** Aborts what runs, for a shutdown: journals are closed first, so those executions read back as RUNNING. */
  stopAll() {
    for (const machine of this.machines.values()) machine.journal?.close();
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
  }
}
