import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { busDetailOf } from '../../application/publishing.ts';
import { currentTypeOf } from '../../domain/cascade/renamed.ts';
import type { Commit } from '../../domain/event-store.ts';
import { SOURCE } from '../../manifest/rules.ts';
import { putEvents } from './put-events.ts';

/** The bus events of a commit: one per domain event, under the name its type is known by now (a renamed type's stored events keep their old one). */
export const entriesOf = (commit: Pick<Commit, 'streamId' | 'events' | 'metadata'>, busName: string): PutEventsRequestEntry[] =>
  commit.events.map((e) => ({ EventBusName: busName, Source: SOURCE, DetailType: currentTypeOf(commit.streamId, e.type), Time: new Date(commit.metadata.time), Detail: JSON.stringify(busDetailOf(commit, e)) }));

/** Publishes commits (a takeover's replay), batched within PutEvents' limits; throws if any entry is still refused after retries. */
export const publishCommits = async (eventBridge: EventBridgeClient, busName: string, commits: readonly Pick<Commit, 'streamId' | 'events' | 'metadata'>[]) => {
  const pending = commits.flatMap((commit, i) => entriesOf(commit, busName).map((entry) => ({ sequenceNumber: String(i), entry })));
  const failed = await putEvents(eventBridge, pending);
  if (failed.length > 0) throw new Error(`${failed.length} of ${pending.length} events not accepted by the bus`);
};
