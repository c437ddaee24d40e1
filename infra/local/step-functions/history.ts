import type { StateMachine } from 'aws-local-stepfunctions';

/** One event of `aws-local-stepfunctions`' event log (the type is not exported by the package). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** A history event as GetExecutionHistory returns it: `{ timestamp, type, id, previousEventId, <type>EventDetails }`. */
export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

interface StateDefinition {
  Type: string;
  Resource?: string;
  ItemsPath?: string;
  ItemProcessor?: { States: Record<string, StateDefinition> };
  Iterator?: { States: Record<string, StateDefinition> };
  Branches?: { States: Record<string, StateDefinition> }[];
}

const flatten = (states: Record<string, StateDefinition>, into = new Map<string, StateDefinition>()) => {
  for (const [name, state] of Object.entries(states)) {
    into.set(name, state);
    const nested = state.ItemProcessor ?? state.Iterator;
    if (nested) flatten(nested.States, into);
    for (const branch of state.Branches ?? []) flatten(branch.States, into);
  }
  return into;
};

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
const text = (value: unknown) => (value === undefined || typeof value === 'string' ? value : JSON.stringify(value));
const PREFIX: Record<string, string> = {
  Task: 'TaskState', Map: 'MapState', Parallel: 'ParallelState', Pass: 'PassState',
  Wait: 'WaitState', Choice: 'ChoiceState', Succeed: 'SucceedState', Fail: 'FailState',
};

/** `$.a.b` on a value: enough for the Map state's ItemsPath, to give MapStateStarted its length. */
const simplePath = (path: string, value: unknown) =>
  path.replace(/^\$\.?/, '').split('.').filter(Boolean).reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

/**
 * Turns the engine's event log into the history Step Functions keeps: numbered events, each
 * pointing (`previousEventId`) at the one before it in the same thread — the execution's main
 * path, or one Map iteration — so a reader can tell which iteration an event belongs to, as in
 * AWS. A Task whose Resource is a Lambda function ARN yields LambdaFunction* events, a service
 * integration (`arn:aws:states:::service:action`) Task* events, as AWS does.
 */
export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** What StopExecution was given, for the ExecutionAborted event. */
  abortReason: { error?: string | undefined; cause?: string | undefined } = {};
  /** Called with each event as it is added (the engine's journal). */
  onEvent: ((event: HistoryEvent) => void) | undefined;
  private readonly states: Map<string, StateDefinition>;
  private readonly last = new Map<string, number>();
  private readonly caught = new Set<string>();
  private redriving = false;

  constructor(definition: object) {
    this.states = flatten((definition as { States: Record<string, StateDefinition> }).States);
  }

  private add(thread: string, timestamp: number, type: string, details: Record<string, unknown> = {}, previous?: number) {
    const id = this.events.length + 1;
    this.events.push({ timestamp: timestamp / 1000, type, id, previousEventId: previous ?? this.last.get(thread) ?? 0, ...details });
    this.last.set(thread, id);
    this.onEvent?.(this.events.at(-1)!);
    return id;
  }

  /** The events of an execution read back from the journal (a restart): later events (a redrive) follow them. */
  restore(events: readonly HistoryEvent[]) {
    this.events.push(...events);
    if (events.length > 0) this.last.set('root', events.at(-1)!.id);
  }

  /** The execution is run again under its own ARN (RedriveExecution). */
  redriven(redriveCount: number) {
    this.add('root', Date.now(), 'ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount } });
    this.redriving = true;
  }

  private task(resource = '') {
    const service = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(resource);
    if (/^arn:[^:]+:lambda:/.test(resource) || !service) return { lambda: true as const, resource };
    return { lambda: false as const, resourceType: service[1], resource: service[2] };
  }

  private scheduled(thread: string, t: number, resource: string | undefined, input: unknown) {
    const task = this.task(resource);
    if (task.lambda) {
      this.add(thread, t, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: task.resource, input: json(input) } });
      this.add(thread, t, 'LambdaFunctionStarted');
    } else {
      const { resourceType, resource: r } = task;
      this.add(thread, t, 'TaskScheduled', { taskScheduledEventDetails: { resourceType, resource: r, region: 'local', parameters: json(input) } });
      this.add(thread, t, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource: r } });
    }
  }

  record(event: EventLog) {
    const t = event.timestamp;
    const thread = 'index' in event && event.index !== undefined && !event.type.startsWith('Map') ? `i${event.index}` : 'root';
    switch (event.type) {
      case 'ExecutionStarted':
        if (this.redriving) return;
        this.add('root', t, 'ExecutionStarted', { executionStartedEventDetails: { input: json(event.input), roleArn: 'arn:aws:iam::000000000000:role/local' } });
        return;
      case 'ExecutionSucceeded':
        this.add('root', t, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: json(event.output) } });
        return;
      case 'ExecutionFailed':
        this.add('root', t, 'ExecutionFailed', { executionFailedEventDetails: { error: event.Error, cause: text(event.Cause) } });
        return;
      case 'ExecutionAborted':
        this.add('root', t, 'ExecutionAborted', { executionAbortedEventDetails: { ...this.abortReason } });
        return;
      case 'ExecutionTimeout':
        this.add('root', t, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
        return;
      case 'MapIterationStarted':
        this.caught.delete(`i${event.index}`);
        this.add(`i${event.index}`, t, 'MapIterationStarted', { mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } }, this.last.get('root'));
        return;
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const details = { name: event.parentState.name, index: event.index };
        const key = event.type === 'MapIterationSucceeded' ? 'mapIterationSucceededEventDetails' : 'mapIterationFailedEventDetails';
        this.last.set('root', this.add(`i${event.index}`, t, event.type, { [key]: details }));
        return;
      }
      case 'StateEntered':
      case 'StateExited':
      case 'StateFailed':
      case 'StateRetried':
      case 'StateCaught':
        return this.state(thread, event);
      default:
        return; // Parallel branch events have no counterpart in the history.
    }
  }

  private state(thread: string, event: Extract<EventLog, { state: unknown }>) {
    const t = event.timestamp;
    const { name, type } = event.state;
    const definition = this.states.get(name);
    const prefix = PREFIX[type] ?? `${type}State`;
    if (event.type === 'StateEntered') {
      this.caught.delete(thread);
      this.add(thread, t, `${prefix}Entered`, { stateEnteredEventDetails: { name, input: json(event.state.input) } });
      if (type === 'Task') this.scheduled(thread, t, definition?.Resource, event.state.input);
      if (type === 'Map') {
        const items = definition?.ItemsPath ? simplePath(definition.ItemsPath, event.state.input) : event.state.input;
        this.add(thread, t, 'MapStateStarted', { mapStateStartedEventDetails: { length: Array.isArray(items) ? items.length : 0 } });
      }
      if (type === 'Parallel') this.add(thread, t, 'ParallelStateStarted');
    } else if (event.type === 'StateExited') {
      if (type === 'Fail') return;
      if (type === 'Task' && !this.caught.has(thread)) {
        const task = this.task(definition?.Resource);
        const output = json(event.state.output);
        if (task.lambda) this.add(thread, t, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output } });
        else this.add(thread, t, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType: task.resourceType, resource: task.resource, output } });
      }
      if (type === 'Map' || type === 'Parallel') this.add(thread, t, `${prefix.replace('State', '')}StateSucceeded`);
      this.add(thread, t, `${prefix}Exited`, { stateExitedEventDetails: { name, output: json(event.state.output) } });
    } else if (event.type === 'StateFailed') {
      const error = event.Error;
      const cause = text(event.Cause);
      if (type === 'Task') {
        const task = this.task(definition?.Resource);
        if (task.lambda) this.add(thread, t, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } });
        else this.add(thread, t, 'TaskFailed', { taskFailedEventDetails: { resourceType: task.resourceType, resource: task.resource, error, cause } });
      } else if (type === 'Map' || type === 'Parallel') this.add(thread, t, `${type}StateFailed`);
    } else if (event.type === 'StateRetried') {
      if (type === 'Task') this.scheduled(thread, t, definition?.Resource, event.state.input);
    } else {
      this.caught.add(thread);
    }
  }
}
