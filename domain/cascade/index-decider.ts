import * as z from '../zod-mini.ts';
import { eventSchemas, lazySchemas } from '../events.ts';
import type { Decider } from '../decider.ts';

/** A tenant's cascade ids in start order, so cascades can be listed before read models exist. */
export const CascadeIndexEvents = lazySchemas({ CascadeListed: () => z.object({ cascadeId: z.string() }) });
export type CascadeIndexEvent = { type: 'CascadeListed'; data: { cascadeId: string } };

export const cascadeIndexDecider: Decider<{ type: 'ListCascade'; cascadeId: string }, CascadeIndexEvent, readonly string[]> = {
  events: eventSchemas(CascadeIndexEvents),
  initialState: [],
  decide: (command, ids) => (ids.includes(command.cascadeId) ? [] : [{ type: 'CascadeListed', data: { cascadeId: command.cascadeId } }]),
  evolve: (ids, event) => [...ids, event.data.cascadeId],
};
