import { randomUUID } from 'node:crypto';
import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { cascadeIndexDecider } from '../../domain/cascade/index-decider.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { GENESIS, type EventStore } from '../../domain/event-store.ts';
import { appendToLog } from '../append-to-log.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { cascadeIndexStream, cascadeStream } from '../stream-ids.ts';

/** Starts a cascade's first execution at once (adapters/step-functions; named after the round, so a second start is harmless). */
export type StartCascade = (tenant: string, cascadeId: string) => Promise<void>;

/**
 * Records a new cascade (its stream and the tenant's index). Its execution is started by the
 * `start-cascade` rule when the CascadeStarted event reaches the bus; with `start`, also at once,
 * so the MNOs hear of it without waiting for the stream, the bus and the rule (a start that fails
 * here is left to the rule, and the rule's start of a running execution changes nothing).
 *
 * A cascade's id is new (a random one, or one derived from the event that asked for it), so its
 * first commit is decided on an empty stream without reading it: when the stream is there after all
 * (a repeated delivery), the conditional put is refused and the command reads it and decides again
 * (nothing, as the cascade is recorded). The execution is started once the cascade's stream holds it
 * (planning reads it there), while the index is appended to: the index is for listing, and nothing
 * the execution does reads it.
 */
export const recordCascade = async (
  store: EventStore,
  tenant: string,
  cascadeId: string,
  subject: CascadeSubject,
  targets: string[],
  context: CommandContext,
  start?: StartCascade,
) => {
  const unpinned = { ...context, expectedVersion: undefined };
  const command = { type: 'StartCascade' as const, cascadeId, subject, targets, startedBy: context.actor };
  const { changed } = await executeCommand(store, cascadeDecider, cascadeStream(tenant, cascadeId), command, unpinned, undefined, { head: GENESIS, state: cascadeDecider.initialState });
  if (!changed) return;
  const started = start?.(tenant, cascadeId).catch(() => undefined);
  // Listed once, when the cascade is new; the index is only ever appended to, at its head.
  await appendToLog(store, cascadeIndexStream(tenant), cascadeIndexDecider.events, [{ type: 'CascadeListed', data: { cascadeId } }], {
    actor: context.actor,
    commandId: randomUUID(),
    correlationId: context.correlationId,
    region: context.region,
    time: new Date().toISOString(),
  });
  await started;
};
