import * as z from '../domain/zod-mini.ts';
import { SOURCE } from '../manifest/rules.ts';

/**
 * A domain event as the forwarder publishes it and rules, webhooks and integrations receive it:
 * EventBridge's envelope (`source` switchboard, `detail-type` the event type, `time` the commit's)
 * around Switchboard's detail (application/publishing.ts). One contract, parsed by every consumer
 * on the way in (zod/mini: the rule targets that start executions need no other schema).
 */
export const BusDetail = z.looseObject({
  /** The tenant whose stream it is; null for platform streams (MNOs, identifier claims). */
  tenant: z.nullable(z.string()),
  streamId: z.string().check(z.minLength(1)),
  version: z.int().check(z.positive()),
  eventId: z.string().check(z.minLength(1)),
  schemaVersion: z.int().check(z.positive()),
  data: z.unknown(),
  metadata: z.looseObject({ actor: z.string(), commandId: z.string(), correlationId: z.string(), region: z.string(), time: z.string() }),
});
export type BusDetail = z.infer<typeof BusDetail>;

/** The envelope's fields a consumer relies on; the rest (account, region, resources…) is kept as it came. */
export const BusEvent = z.looseObject({
  id: z.string(),
  source: z.literal(SOURCE),
  'detail-type': z.string().check(z.minLength(1)),
  time: z.string(),
  'replay-name': z.optional(z.string()),
  detail: BusDetail,
});
export type BusEvent = z.infer<typeof BusEvent>;
