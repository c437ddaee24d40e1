import * as z from '../zod-mini.ts';
import { eventSchemas, lazySchemas } from '../events.ts';
import type { Decider } from '../decider.ts';

/**
 * The platform's list of MNO ids, one stream, so that the MNOs can be listed without a scan.
 * An id is listed once; registering it again is a no-op here (the MNO stream refuses duplicates).
 */
export const MnoCatalogueEvents = lazySchemas({ MnoListed: () => z.object({ id: z.string() }) });
export type MnoCatalogueEvent = { type: 'MnoListed'; data: { id: string } };
export type MnoCatalogueCommand = { type: 'ListMno'; id: string };

export const mnoCatalogueDecider: Decider<MnoCatalogueCommand, MnoCatalogueEvent, readonly string[]> = {
  events: eventSchemas(MnoCatalogueEvents),
  initialState: [],
  decide: (command, ids) => (ids.includes(command.id) ? [] : [{ type: 'MnoListed', data: { id: command.id } }]),
  evolve: (ids, event) => [...ids, event.data.id],
};
