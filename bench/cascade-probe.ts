import type { Runtime } from '../infra/local/runtime.ts';

/**
 * Where a cascade's time goes, observed from outside the code under test: a middleware on the
 * handlers' DynamoDB client (functions/config.ts, the one client every workflow task uses) and a
 * timer around each Task state's handler in the local engine. Nothing the handlers do changes.
 */
type StreamKind = 'cascade' | 'mno' | 'policy' | 'other';
const kindOf = (pk: string | undefined): StreamKind =>
  pk === undefined ? 'other' : pk.includes('#CASCADE#') ? 'cascade' : pk.startsWith('MNO#') ? 'mno' : pk.includes('#POLICY#') ? 'policy' : 'other';

interface StoreCounters {
  /** Every other DynamoDB call (the MNO rate budget's UpdateItem, GetItem, BatchGetItem…), by command. */
  others: Record<string, number>;
  queries: number;
  queryMs: number;
  itemsRead: number;
  puts: number;
  putMs: number;
  /** Conditional puts that lost: a VersionConflict, then the command is re-decided on fresh state. */
  conflicts: number;
}
interface TaskCounters {
  calls: number;
  errors: Record<string, number>;
  ms: number;
}

/** One Task state's run: which MNO's (none for planning and completion), when it started and ended (ms, performance.now), and the error it threw. */
export interface TaskRun {
  state: string;
  mno?: string | undefined;
  t0: number;
  t1: number;
  error?: string | undefined;
}

const emptyStore = (): StoreCounters => ({ others: {}, queries: 0, queryMs: 0, itemsRead: 0, puts: 0, putMs: 0, conflicts: 0 });
let store: Record<StreamKind, StoreCounters>;
let tasks: Record<string, TaskCounters>;
let runs: TaskRun[];
export const resetProbe = () => {
  store = { cascade: emptyStore(), mno: emptyStore(), policy: emptyStore(), other: emptyStore() };
  tasks = {};
  runs = [];
};
resetProbe();

type Input = { Item?: { pk?: { S?: string } }; Key?: { pk?: { S?: string } }; ExpressionAttributeValues?: Record<string, { S?: string }> };

/** Installs the probe once the runtime has set the environment the handlers' config reads. */
export const installProbe = async (runtime: Runtime) => {
  const { dynamodb } = await import('../functions/lambda/wiring.ts');
  // Around send, not as a middleware: the client resolves each command's middleware stack once (cacheMiddleware), before the probe is installed.
  const send = dynamodb.send.bind(dynamodb) as (command: unknown) => Promise<unknown>;
  (dynamodb as unknown as { send: (command: { input: unknown }) => Promise<unknown> }).send = async (command) => {
    const name = command.constructor.name;
    const input = command.input as Input;
    const counters = store[kindOf(input.Item?.pk?.S ?? input.Key?.pk?.S ?? input.ExpressionAttributeValues?.[':pk']?.S)];
    if (name !== 'QueryCommand' && name !== 'PutItemCommand') {
      const command_ = name.replace(/Command$/, '');
      counters.others[command_] = (counters.others[command_] ?? 0) + 1;
      return send(command);
    }
    const t0 = performance.now();
    try {
      const output = await send(command);
      if (name === 'QueryCommand') counters.itemsRead += (output as { Count?: number }).Count ?? 0;
      return output;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') counters.conflicts++;
      throw error;
    } finally {
      if (name === 'QueryCommand') (counters.queries++, (counters.queryMs += performance.now() - t0));
      else (counters.puts++, (counters.putMs += performance.now() - t0));
    }
  };
  const machine = runtime.cascades.engine.machines.get(runtime.cascades.stateMachineArn)!;
  for (const [state, handler] of Object.entries(machine.tasks)) {
    machine.tasks[state] = async (input) => {
      const counters = (tasks[state] ??= { calls: 0, errors: {}, ms: 0 });
      const run: TaskRun = { state, mno: (input as { mno?: string }).mno, t0: performance.now(), t1: 0 };
      runs.push(run);
      counters.calls++;
      try {
        return await handler(input);
      } catch (error) {
        const name = (error as Error).name;
        counters.errors[name] = (counters.errors[name] ?? 0) + 1;
        run.error = name;
        throw error;
      } finally {
        run.t1 = performance.now();
        counters.ms += run.t1 - run.t0;
      }
    };
  }
};

const round = (x: number) => Math.round(x * 10) / 10;

/** What was observed since the last reset, per `cascades` cascades. */
export const probeReading = (cascades: number) => {
  const per = (x: number) => round(x / cascades);
  return {
    /** Every Task state's run, in start order. */
    runs: [...runs],
    store: Object.fromEntries(
      Object.entries(store).map(([kind, c]) => [
        kind,
        { others: Object.fromEntries(Object.entries(c.others).map(([k, n]) => [k, per(n)])), queries: per(c.queries), queryMsMean: round(c.queryMs / Math.max(1, c.queries)), itemsPerQuery: round(c.itemsRead / Math.max(1, c.queries)), puts: per(c.puts), putMsMean: round(c.putMs / Math.max(1, c.puts)), conflicts: per(c.conflicts) },
      ]),
    ),
    tasks: Object.fromEntries(
      Object.entries(tasks).map(([state, c]) => [
        state,
        { calls: per(c.calls), msMean: round(c.ms / Math.max(1, c.calls)), errors: Object.fromEntries(Object.entries(c.errors).map(([e, k]) => [e, per(k)])) },
      ]),
    ),
  };
};
export type ProbeReading = ReturnType<typeof probeReading>;
