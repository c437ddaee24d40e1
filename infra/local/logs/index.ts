import type { Server } from 'node:http';
import { cloudWatchLogsEndpoint } from './endpoint.ts';
import { createLogStore, type LogStoreOptions, type LogStore } from './store.ts';

export { createLogStore, LogsError, type LogEvent, type LogStore } from './store.ts';
export { cloudWatchLogsEndpoint } from './endpoint.ts';

export interface LocalLogs {
  store: LogStore;
  /** The CloudWatch Logs endpoint, e.g. http://127.0.0.1:port. */
  endpoint: string;
  /** The bus's `log-group` target: the whole event, as JSON, one log event in a stream named after its id. */
  writeEvent(logGroup: string, event: { id: string; time: string }): Promise<void>;
  stop(): Promise<void>;
}

/** The local CloudWatch Logs store with the given groups created, served on a loopback port. */
export const startLocalLogs = async (options: LogStoreOptions & { logGroups: readonly string[]; retentionInDays?: number }): Promise<LocalLogs> => {
  const store = createLogStore(options);
  for (const name of new Set(options.logGroups)) store.createLogGroup(name, options.retentionInDays);
  const server: Server = cloudWatchLogsEndpoint(store);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return {
    store,
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    // EventBridge stamps the log event with the event's time (second precision) and writes it whole.
    writeEvent: async (logGroup, event) => store.putLogEvent(logGroup, event.id, { timestamp: Date.parse(event.time), message: JSON.stringify(event) }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      store.close();
    },
  };
};
