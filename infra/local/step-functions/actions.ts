import { REDRIVABLE, StepFunctionsError, type Execution, type LocalStepFunctionsEngine } from './engine.ts';
import type { HistoryEvent } from './history.ts';
import { page } from './pagination.ts';

/** A request body of the AWS JSON protocol, as parsed. */
export type Input = Record<string, unknown>;

const epoch = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

const required = (input: Input, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || !value) {
    throw new StepFunctionsError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
};
const optional = (input: Input, field: string) => (typeof input[field] === 'string' ? (input[field] as string) : undefined);
const request = (input: Input) => ({ maxResults: input.maxResults as number | undefined, nextToken: optional(input, 'nextToken') });

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

const listItem = (e: Execution) => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: epoch(e.startDate),
  stopDate: epoch(e.stopDate),
  redriveCount: e.redriveCount,
  redriveDate: epoch(e.redriveDate),
});

const describeExecution = (e: Execution) => ({
  ...listItem(e),
  input: e.input,
  inputDetails: { included: true },
  output: e.output,
  outputDetails: e.output === undefined ? undefined : { included: true },
  error: e.error,
  cause: e.cause,
  redriveStatus: REDRIVABLE.includes(e.status) ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
  redriveStatusReason: REDRIVABLE.includes(e.status) ? undefined : `Execution is ${e.status} and cannot be redriven`,
});

/** Without execution data, an event keeps its shape but loses inputs, outputs and parameters. */
const withoutData = (event: HistoryEvent): HistoryEvent =>
  Object.fromEntries(
    Object.entries(event).map(([key, value]) => {
      if (!key.endsWith('EventDetails') || typeof value !== 'object' || !value) return [key, value];
      const { input, output, parameters, ...rest } = value as Record<string, unknown>;
      return [key, rest];
    }),
  ) as HistoryEvent;

/** The actions of the Step Functions API that the code and operators use, over the local engine. */
export const actions = (engine: LocalStepFunctionsEngine): Record<string, (input: Input) => unknown> => ({
  ListStateMachines: (input) => {
    const machines = [...engine.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(machines, (m) => m.arn, request(input), 'ListStateMachines');
    return { stateMachines: items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: epoch(m.creationDate) })), nextToken };
  },
  DescribeStateMachine: (input) => {
    const m = engine.machine(required(input, 'stateMachineArn'));
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: JSON.stringify(m.definition, null, 2),
      roleArn: 'arn:aws:iam::000000000000:role/local',
      type: 'STANDARD',
      creationDate: epoch(m.creationDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    };
  },
  StartExecution: (input) => {
    const e = engine.start(required(input, 'stateMachineArn'), optional(input, 'name'), optional(input, 'input') ?? '{}');
    return { executionArn: e.executionArn, startDate: epoch(e.startDate) };
  },
  DescribeExecution: (input) => describeExecution(engine.execution(required(input, 'executionArn'))),
  ListExecutions: (input) => {
    const machine = engine.machine(required(input, 'stateMachineArn'));
    const status = optional(input, 'statusFilter');
    if (status && !STATUSES.includes(status)) throw new StepFunctionsError('ValidationException', `1 validation error detected: Value '${status}' at 'statusFilter' failed to satisfy constraint`);
    const redrive = optional(input, 'redriveFilter');
    const all = [...engine.executions.values()]
      .filter((e) => e.stateMachineArn === machine.arn && (!status || e.status === status))
      .filter((e) => !redrive || (redrive === 'REDRIVEN') === e.redriveCount > 0)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || b.name.localeCompare(a.name));
    const { items, nextToken } = page(all, (e) => e.executionArn, request(input), `ListExecutions ${machine.arn} ${status} ${redrive}`);
    return { executions: items.map(listItem), nextToken };
  },
  GetExecutionHistory: (input) => {
    const e = engine.execution(required(input, 'executionArn'));
    const reverse = input.reverseOrder === true;
    const events = reverse ? [...e.history.events].reverse() : e.history.events;
    const { items, nextToken } = page(events, (event) => String(event.id), request(input), `GetExecutionHistory ${e.executionArn} ${reverse}`);
    return { events: input.includeExecutionData === false ? items.map(withoutData) : items, nextToken };
  },
  StopExecution: (input) => {
    const e = engine.stop(required(input, 'executionArn'), optional(input, 'error'), optional(input, 'cause'));
    return { stopDate: epoch(e.stopDate) };
  },
  RedriveExecution: (input) => ({ redriveDate: epoch(engine.redrive(required(input, 'executionArn')).redriveDate) }),
});
