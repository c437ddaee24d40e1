import type { AttributeValue as StreamAttribute, DynamoDBRecord } from 'aws-lambda';
import type { CommitMetadata, RecordedEvent } from '../../domain/event-store.ts';
import { config } from '../config.ts';

/** A commit as a DynamoDB stream record carries it (NewImage of an insert). */
export interface StreamCommit {
  streamId: string;
  version: number;
  events: RecordedEvent[];
  metadata: CommitMetadata;
}

/** The commit an event-store stream record inserted, or undefined for anything else (the store is append-only). */
export const commitOf = (record: DynamoDBRecord): StreamCommit | undefined => {
  const image = record.dynamodb?.NewImage as Record<string, StreamAttribute> | undefined;
  if (record.eventName !== 'INSERT' || !image?.pk?.S || !image.events?.S || !image.meta?.S) return undefined;
  return {
    streamId: image.pk.S,
    version: Number(image.v?.N),
    events: JSON.parse(image.events.S) as RecordedEvent[],
    metadata: JSON.parse(image.meta.S) as CommitMetadata,
  };
};

/**
 * Each replica's stream carries every write, wherever it was made; only the region a commit was
 * appended in acts on it, so nothing is published or started twice. The one place that decides.
 */
export const originatedHere = (commit: StreamCommit) => commit.metadata.region === config.region;
