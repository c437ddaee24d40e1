import { randomUUID } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { appendToLog } from './append-to-log.ts';
import { cascadeDecider, type CascadeState } from '../domain/cascade/decider.ts';
import type { CascadeSubject } from '../domain/cascade/events.ts';
import { eventsOf, type EventStore, type StreamHead } from '../domain/event-store.ts';
import { fold } from '../domain/decider.ts';
import { loadState } from './load-state.ts';
import { executeCommand, type CommandContext } from './command.ts';
import { cascadeIndexStream, cascadeStream, cascadeTargetStream } from './event-store/stream-ids.ts';
import type { CascadeInput } from './workflow/cascade-workflow.ts';
import { traced } from './tracer.ts';

const sfn = traced(new SFNClient({}));

/** Starts the cascade state machine; the execution is named after the cascade (and round), so a repeat start is harmless. */
export const startCascadeExecution = async (tenant: string, cascadeId: string, round = 1) => {
  const input: CascadeInput = { tenant, cascadeId, round };
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: process.env.CASCADE_STATE_MACHINE_ARN,
        name: round === 1 ? cascadeId : `${cascadeId}-r${round}`,
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    // That execution ran already (a repeated start after it finished): nothing to do.
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
};

/**
 * Records a new cascade (its stream and the tenant's index). Its execution is started by the
 * `start-cascade` rule when the CascadeStarted event reaches the bus.
 */
export const recordCascade = async (
  store: EventStore,
  tenant: string,
  cascadeId: string,
  subject: CascadeSubject,
  targets: string[],
  context: CommandContext,
) => {
  const unpinned = { ...context, expectedVersion: undefined };
  const { changed } = await executeCommand(store, cascadeDecider, cascadeStream(tenant, cascadeId), { type: 'StartCascade', cascadeId, subject, targets }, unpinned);
  // Listed once, when the cascade is new; the index is only ever appended to, at its head.
  if (changed)
    await appendToLog(store, cascadeIndexStream(tenant), [{ type: 'CascadeListed', data: { cascadeId } }], {
      actor: context.actor,
      commandId: randomUUID(),
      correlationId: context.correlationId,
      region: context.region,
      time: new Date().toISOString(),
    });
};

/**
 * A cascade as it stands: its own stream and, while a round runs, the progress of that round's
 * targets from their streams (read at once). `head` is the cascade stream's (what If-Match pins);
 * `progress` counts the round's target events so far (0 once the round has completed).
 */
export const liveCascade = async (store: EventStore, tenant: string, cascadeId: string): Promise<{ state: CascadeState; head: StreamHead; progress: number }> => {
  const { state, head } = await loadState(store, cascadeDecider, cascadeStream(tenant, cascadeId));
  if (state.status !== 'running') return { state, head, progress: 0 };
  const streams = await Promise.all(state.roundTargets.map((mno) => store.load(cascadeTargetStream(tenant, cascadeId, state.round, mno))));
  const progress = streams.reduce((n, s) => n + s.head.version, 0);
  return { state: fold(cascadeDecider, state, streams.flatMap((s) => eventsOf(s.commits)) as never[]), head, progress };
};
