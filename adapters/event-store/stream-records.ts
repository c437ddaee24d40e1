import type { AttributeValue as StreamAttribute } from 'aws-lambda';
import * as z from '../../domain/zod-mini.ts';
import type { CommitMetadata, RecordedEvent } from '../../domain/event-store.ts';

/**
 * A batch of the event store's DynamoDB stream, as Lambda's event source mapping (or the local
 * poller) delivers it: the fields the consumers rely on, checked; the rest kept as it came.
 */
export const StreamEvent = z.object({
  Records: z.array(
    z.looseObject({
      eventName: z.optional(z.string()),
      dynamodb: z.looseObject({ SequenceNumber: z.string(), NewImage: z.optional(z.record(z.string(), z.unknown())) }),
    }),
  ),
});
export type StreamEvent = z.infer<typeof StreamEvent>;
export type StreamRecord = StreamEvent['Records'][number];

/** A commit as a DynamoDB stream record carries it (NewImage of an insert). */
export interface StreamCommit {
  streamId: string;
  version: number;
  events: RecordedEvent[];
  metadata: CommitMetadata;
}

/** The commit an event-store stream record inserted, or undefined for anything else (the store is append-only). */
export const commitOf = (record: StreamRecord): StreamCommit | undefined => {
  const image = record.dynamodb.NewImage as Record<string, StreamAttribute> | undefined;
  if (record.eventName !== 'INSERT' || !image?.pk?.S || !image.events?.S || !image.meta?.S) return undefined;
  return {
    streamId: image.pk.S,
    version: Number(image.v?.N),
    events: JSON.parse(image.events.S) as RecordedEvent[],
    metadata: JSON.parse(image.meta.S) as CommitMetadata,
  };
};
