import { randomUUID } from 'node:crypto';
import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

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
  /** Resolves when the execution stops, whatever the outcome. */
  done: Promise<void>;
  abort(): void;
}

type TaskHandler = (input: unknown) => Promise<unknown>;

export interface LocalStateMachine {
  arn: string;
  name: string;
  definition: object;
  tasks: Record<string, TaskHandler>;
}

/**
 * Runs state machines with `aws-local-stepfunctions` (the ASL itself, JSONPath), each Task state
 * mapped to the Lambda handler behind it. Executions are named; a second start with a name in
 * use answers as Step Functions does: the same execution for the same input, else an error.
 */
export class LocalStepFunctionsEngine {
  readonly machines = new Map<string, LocalStateMachine>();
  readonly executions = new Map<string, Execution>();

  constructor(private readonly overrides: RunOptions['overrides'] = {}) {}

  register(name: string, definition: object, tasks: Record<string, TaskHandler>): LocalStateMachine {
    const machine = { arn: `arn:aws:states:local:000000000000:stateMachine:${name}`, name, definition, tasks };
    this.machines.set(machine.arn, machine);
    return machine;
  }

  start(stateMachineArn: string, name: string | undefined, input: string): Execution {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw Object.assign(new Error(`state machine ${stateMachineArn} does not exist`), { name: 'StateMachineDoesNotExist' });
    const executionName = name ?? randomUUID();
    const executionArn = `arn:aws:states:local:000000000000:execution:${machine.name}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === input && existing.status === 'RUNNING') return existing;
      throw Object.assign(new Error(`execution ${executionName} already exists`), { name: 'ExecutionAlreadyExists' });
    }
    const run = new StateMachine(machine.definition as never, { validationOptions: { checkArn: false } }).run(JSON.parse(input), {
      overrides: { ...this.overrides, taskResourceLocalHandlers: machine.tasks as never },
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      abort: run.abort,
      done: Promise.resolve(),
    };
    execution.done = run.result.then(
      (output) => Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output), stopDate: new Date() }),
      (error: Error) =>
        Object.assign(execution, {
          status: error.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED',
          error: (error as { cause?: { name?: string } }).cause?.name ?? error.name,
          cause: error.message,
          stopDate: new Date(),
        }),
    ) as Promise<never>;
    this.executions.set(executionArn, execution);
    return execution;
  }

  /** Waits for every running execution (tests, shutdown). */
  async idle() {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  stopAll() {
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
  }
}
