import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { entriesOf } from '../../../adapters/event-bus/commit-entries.ts';
import { commitOf, type StreamRecord } from '../../../adapters/event-store/stream-records.ts';
import { BUS_NAME } from '../../../manifest/rules.ts';
import type { EventFeed } from '../event-bus/bus.ts';
import { envelope, type BusEvent } from '../event-bus/put-events.ts';
import { startStreamPoller } from '../stream-poller.ts';

/**
 * The events the bus would carry, for what lies outside the regions (the simulated devices and
 * network traffic learn of SIMs from them): read from the event store's stream, whichever region
 * publishes, so that they follow no region's failure. The same events as the forwarder's
 * (adapters/event-bus/commit-entries.ts) in the envelope the bus gives them.
 */
export const startEventFeed = async (options: { sources: readonly { dynamodb: DynamoDBClient; endpoint: string; checkpointFile?: string | undefined }[]; tableName: string }) => {
  const listeners = new Set<(event: BusEvent) => void>();
  // Each region's stream carries every commit (in eventual mode, one replica each): each event once.
  const seen = new Set<string>();
  const handler = async ({ Records }: { Records: unknown[] }) => {
    for (const record of Records) {
      const commit = commitOf(record as StreamRecord);
      if (!commit) continue;
      for (const entry of entriesOf(commit, BUS_NAME)) {
        const detail = JSON.parse(entry.Detail!) as { eventId: string };
        if (seen.has(detail.eventId)) continue;
        seen.add(detail.eventId);
        if (seen.size > 100_000) seen.delete(seen.values().next().value!);
        const event = envelope(entry, detail, { id: randomUUID(), account: '000000000000', region: 'local', now: new Date() });
        for (const listener of listeners) listener(event);
      }
    }
  };
  const pollers = await Promise.all(options.sources.map((source) => startStreamPoller({ dynamodb: source.dynamodb, endpoint: source.endpoint, tableName: options.tableName, checkpointFile: source.checkpointFile, handlers: [handler] })));
  const feed: EventFeed = {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return {
    ...feed,
    caughtUp: () => Promise.all(pollers.map((p) => p.caughtUp())),
    stop: () => Promise.all(pollers.map((p) => p.stop())).then(() => undefined),
  };
};
