import * as z from '../../domain/zod-mini.ts';

/**
 * The event catalogue as GET /v1/events/schemas answers it, loosely: each event's JSON Schema
 * stays in the catalogue (the OpenAPI document does not repeat them). Not bundled into a function:
 * the view imports only its type.
 */
export const EventCatalogue = z.strictObject({
  source: z.literal('switchboard'),
  /** How every event travels: the EventBridge envelope around its data. */
  envelope: z.strictObject({ description: z.string() }),
  events: z.array(
    z.strictObject({
      /** The event type: the EventBridge detail-type. */
      type: z.string(),
      /** The kind of stream it is recorded on (sim, enterprise, policy, …). */
      aggregate: z.string(),
      /** The version of its data's schema (detail.schemaVersion). */
      schemaVersion: z.int(),
      /** The JSON Schema (draft 2020-12) of its `detail.data`. */
      schema: z.record(z.string(), z.unknown()),
    }),
  ),
});
