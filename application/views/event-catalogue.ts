import * as z from '../../domain/zod-mini.ts';
import { EVENT_CATALOGUE, schemaVersionOf } from '../../domain/event-catalogue.ts';
import type { EventCatalogue } from './event-catalogue.schema.ts';

/**
 * One JSON Schema (draft 2020-12) per event type, for the `detail.data` of its EventBridge event.
 * Values zod cannot express in JSON Schema (refinements such as check digits) are described by
 * their base type; the API validates them on the way in.
 */
export const eventSchemas = (): z.output<typeof EventCatalogue> => ({
  source: 'switchboard',
  envelope: {
    description: 'EventBridge event: source "switchboard", detail-type = the event type, detail = { tenant, streamId, version, eventId, schemaVersion, data, metadata }',
  },
  events: Object.entries(EVENT_CATALOGUE).flatMap(([aggregate, events]) =>
    Object.entries(events).map(([type, schema]) => ({
      type,
      aggregate,
      schemaVersion: schemaVersionOf(type),
      schema: z.toJSONSchema(schema as z.core.$ZodType, { unrepresentable: 'any', io: 'output' }),
    })),
  ),
});
