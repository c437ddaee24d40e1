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
export const startEventFeed = async (options: { dynamodb: DynamoDBClient; endpoint: string; tableName: string; checkpointFile?: string | undefined }) => {
  const listeners = new Set<(event: BusEvent) => void>();
  const poller = await startStreamPoller({
    dynamodb: options.dynamodb,
    endpoint: options.endpoint,
    tableName: options.tableName,
    checkpointFile: options.checkpointFile,
    handlers: [
      async ({ Records }) => {
        for (const record of Records) {
          const commit = commitOf(record as StreamRecord);
          if (!commit) continue;
          for (const entry of entriesOf(commit, BUS_NAME)) {
            const event = envelope(entry, JSON.parse(entry.Detail!), { id: randomUUID(), account: '000000000000', region: 'local', now: new Date() });
            for (const listener of listeners) listener(event);
          }
        }
      },
    ],
  });
  const feed: EventFeed = {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return { ...feed, caughtUp: poller.caughtUp, stop: poller.stop };
};
