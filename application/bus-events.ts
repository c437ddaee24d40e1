import { z } from 'zod';
import type { Commit, RecordedEvent } from '../domain/event-store.ts';
import { SOURCE } from '../manifest/rules.ts';

/**
 * A domain event as the forwarder publishes it and rules, webhooks and integrations receive it:
 * EventBridge's envelope (`source` switchboard, `detail-type` the event type, `time` the commit's)
 * around Switchboard's detail. One contract, parsed by every consumer on the way in.
 */
export const BusDetail = z.looseObject({
  /** The tenant whose stream it is; null for platform streams (MNOs, identifier claims). */
  tenant: z.string().nullable(),
  streamId: z.string().min(1),
  version: z.int().positive(),
  eventId: z.string().min(1),
  schemaVersion: z.int().positive(),
  data: z.unknown(),
  metadata: z.looseObject({ actor: z.string(), commandId: z.string(), correlationId: z.string(), region: z.string(), time: z.string() }),
});
export type BusDetail = z.infer<typeof BusDetail>;

/** The envelope's fields a consumer relies on; the rest (account, region, resources…) is kept as it came. */
export const BusEvent = z.looseObject({
  id: z.string(),
  source: z.literal(SOURCE),
  'detail-type': z.string().min(1),
  time: z.string(),
  'replay-name': z.string().optional(),
  detail: BusDetail,
});
export type BusEvent = z.infer<typeof BusEvent>;

/** The tenant a stream belongs to, from its id (`T#<tenant>#…`), or null for a platform stream. */
export const tenantOfStream = (streamId: string) => /^T#([^#]+)#/.exec(streamId)?.[1] ?? null;

/** The detail of one event of a commit, as published. */
export const busDetailOf = (commit: Pick<Commit, 'streamId' | 'metadata'>, event: RecordedEvent): BusDetail => ({
  tenant: tenantOfStream(commit.streamId),
  streamId: commit.streamId,
  version: event.version,
  eventId: event.id,
  schemaVersion: event.schemaVersion,
  data: event.data,
  metadata: { ...commit.metadata },
});

/**
 * Each replica's stream carries every write, wherever it was made; only the region a commit was
 * appended in acts on it (publishes it), so nothing is published or started twice. The one place that decides.
 */
export const originatedIn = (commit: Pick<Commit, 'metadata'>, region: string) => commit.metadata.region === region;
