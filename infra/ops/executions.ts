import {
  paginateGetExecutionHistory,
  paginateListExecutions,
  paginateListStateMachines,
  ListExecutionsCommand,
  type ExecutionListItem,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { OpsError } from './endpoints.ts';
import { CASCADE_PROFILE, progressOf, type ExecutionProgress, type ExecutionSummary, type WorkflowProfile } from './progress.ts';

/** The state machine to watch: an ARN as given, else the one named so, else the one whose name says cascade. */
export const findStateMachine = async (sfn: SFNClient, wanted?: string): Promise<{ arn: string; name: string }> => {
  if (wanted?.startsWith('arn:')) return { arn: wanted, name: wanted.split(':').at(-1)! };
  const machines = [];
  for await (const page of paginateListStateMachines({ client: sfn }, {})) machines.push(...(page.stateMachines ?? []));
  const found = wanted ? machines.find((m) => m.name === wanted) : machines.find((m) => /cascade/i.test(m.name ?? ''));
  if (!found) throw new OpsError(`no state machine ${wanted ? `named ${wanted}` : 'whose name says cascade'} (found: ${machines.map((m) => m.name).join(', ') || 'none'})`);
  return { arn: found.stateMachineArn!, name: found.name! };
};

const summary = (e: ExecutionListItem): ExecutionSummary => ({
  executionArn: e.executionArn!,
  name: e.name!,
  status: e.status!,
  startDate: e.startDate!,
  stopDate: e.stopDate,
  redriveCount: e.redriveCount,
});

/** Every running execution, and the `recent` latest ones whatever their status; newest first. */
export const listExecutions = async (sfn: SFNClient, stateMachineArn: string, recent: number): Promise<ExecutionSummary[]> => {
  const found = new Map<string, ExecutionSummary>();
  for await (const page of paginateListExecutions({ client: sfn, pageSize: 100 }, { stateMachineArn, statusFilter: 'RUNNING' })) {
    for (const e of page.executions ?? []) found.set(e.executionArn!, summary(e));
  }
  if (recent > 0) {
    const latest = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: recent }));
    for (const e of latest.executions ?? []) if (!found.has(e.executionArn!)) found.set(e.executionArn!, summary(e));
  }
  return [...found.values()].sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
};

/**
 * An execution's history, oldest first. Given the events read before, it reads only the newer
 * ones (newest first, until a known event), so watching a long execution costs one call a refresh.
 */
export const historyOf = async (sfn: SFNClient, executionArn: string, known: readonly HistoryEvent[] = []): Promise<HistoryEvent[]> => {
  const last = known.at(-1)?.id ?? 0;
  const fresh: HistoryEvent[] = [];
  pages: for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn, reverseOrder: true })) {
    for (const event of page.events ?? []) {
      if (event.id! <= last) break pages;
      fresh.push(event);
    }
  }
  return [...known, ...fresh.reverse()];
};

/**
 * Reads executions and their progress with the SDK calls operators may make in AWS
 * (ListExecutions, GetExecutionHistory). Histories are kept between refreshes and only their
 * new events read; a stopped execution is read again only if its status or redrive count changes.
 */
export const executionsWatcher = (sfn: SFNClient, stateMachineArn: string, recent: number, profile: WorkflowProfile = CASCADE_PROFILE) => {
  const seen = new Map<string, { key: string; events: HistoryEvent[]; progress: ExecutionProgress }>();
  return async (): Promise<ExecutionProgress[]> => {
    const executions = await listExecutions(sfn, stateMachineArn, recent);
    const listed = new Set(executions.map((e) => e.executionArn));
    for (const arn of seen.keys()) if (!listed.has(arn)) seen.delete(arn);
    return Promise.all(
      executions.map(async (e) => {
        const key = `${e.status}#${e.redriveCount ?? 0}`;
        const before = seen.get(e.executionArn);
        if (before?.key === key && e.status !== 'RUNNING') return before.progress;
        const events = await historyOf(sfn, e.executionArn, before?.events);
        const progress = progressOf(e, events, profile);
        seen.set(e.executionArn, { key, events, progress });
        return progress;
      }),
    );
  };
};
