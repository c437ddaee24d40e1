import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { OPS_FEED_LOG_GROUP } from '../../manifest/rules.ts';
import { cloudWatchLogsConfig, OpsError } from './endpoints.ts';

/** What a line shows of an event on the bus. */
export interface PrintableEvent {
  id?: string;
  time?: string;
  'detail-type'?: string;
  'replay-name'?: string;
  detail?: { tenant?: string | null; streamId?: string; version?: number; eventId?: string };
}

/** One line per event: time, type, tenant, stream and version (and the replay that routed it again, if one did). */
export const eventLine = (event: PrintableEvent) =>
  [event.time ?? '', (event['detail-type'] ?? '').padEnd(28), event.detail?.tenant ?? '(platform)', `${event.detail?.streamId ?? ''}@${event.detail?.version ?? ''}`].join('  ') +
  (event['replay-name'] === undefined ? '' : `  (replay ${event['replay-name']})`);

/** An event read from the ops feed: the log event's message is the whole EventBridge event, as JSON. */
export interface FeedEntry {
  /** Its identity on the bus: the domain event id (else the EventBridge id), and the replay if any. */
  key: string;
  timestamp: number;
  message: string;
  /** The message parsed; undefined if it is not a JSON object (nothing Switchboard writes). */
  event: PrintableEvent | undefined;
}

const entryOf = (e: FilteredLogEvent): FeedEntry => {
  const message = e.message ?? '';
  let event: PrintableEvent | undefined;
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) event = parsed as PrintableEvent;
  } catch {
    // Not an event: printed as it is.
  }
  const id = event?.detail?.eventId ?? event?.id;
  return { key: id === undefined ? `log:${e.eventId}` : `${event?.['replay-name'] ?? ''}#${id}`, timestamp: e.timestamp ?? 0, message, event };
};

export interface FeedOptions {
  logGroupName?: string;
  /** The first poll reads from here (epoch ms). */
  startTime: number;
  /**
   * How far back each later poll reads again (ms): an event reaches the log group a little after
   * its time, which is its log timestamp (to the second), so windows overlap by this much and
   * what was printed is skipped by its id. An event that arrives later still is not shown.
   */
  overlapMs?: number;
  filterPattern?: string;
  /** FilterLogEvents' `limit` (events per page); AWS's default (10,000) unless a test sets it. */
  pageSize?: number;
  now?: () => number;
}

/**
 * The ops feed, polled: each call reads the ops-feed log group with FilterLogEvents (every page,
 * following nextToken) from the last poll's time minus the overlap, and answers the events not
 * answered before, oldest first. The same SDK calls against AWS and the local runtime.
 */
export const feedPoller = (logs: CloudWatchLogsClient, options: FeedOptions) => {
  const { logGroupName = OPS_FEED_LOG_GROUP, overlapMs = 30_000, now = Date.now } = options;
  const seen = new Map<string, number>();
  let from = options.startTime;
  return async (abortSignal?: AbortSignal): Promise<FeedEntry[]> => {
    const polledAt = now();
    const fresh: FeedEntry[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({ logGroupName, startTime: from, filterPattern: options.filterPattern, limit: options.pageSize, nextToken }),
        { abortSignal },
      );
      for (const e of page.events ?? []) {
        const entry = entryOf(e);
        if (seen.has(entry.key)) continue;
        seen.set(entry.key, entry.timestamp);
        fresh.push(entry);
      }
      if (page.nextToken !== undefined && page.nextToken === nextToken) break;
      nextToken = page.nextToken;
    } while (nextToken);
    // Events older than the next window cannot come back: forget them.
    from = Math.max(from, polledAt - overlapMs);
    for (const [key, timestamp] of seen) if (timestamp < from) seen.delete(key);
    return fresh.sort((a, b) => a.timestamp - b.timestamp);
  };
};

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`) or a time (RFC 3339); the epoch ms it names. */
export const parseSince = (text: string, now = Date.now()) => {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (m) return now - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(text);
  if (/^\d{4}-\d\d-\d\d/.test(text) && !Number.isNaN(t)) return t;
  throw new OpsError(`--since takes a duration (90s, 10m, 2h, 1d) or a time (2026-11-24T10:00:00Z), not ${JSON.stringify(text)}`);
};

export interface EventsOptions {
  region: string | undefined;
  json: boolean;
  follow: boolean;
  /** Epoch ms to read from. */
  since: number;
  filterPattern?: string | undefined;
  intervalMs?: number;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

const explain = (error: Error, region: string | undefined) => {
  if (error.name === 'ResourceNotFoundException')
    return new OpsError(
      region
        ? `log group ${OPS_FEED_LOG_GROUP} not found in ${region}: is the Switchboard stack deployed there? Its ops-feed rule writes every event to that group.`
        : `the local runtime has no log group ${OPS_FEED_LOG_GROUP}: is it older than this CLI? Restart it (npm start).`,
    );
  if (error.name === 'InvalidParameterException') return new OpsError(error.message);
  return error;
};

/**
 * `ops events [--follow]`: the bus as its ops-feed rule writes it to CloudWatch Logs, read with
 * FilterLogEvents, one line per event (`--json`: the event as the bus carried it). Without
 * `--follow`, the events since `since` and exit; with it, then every `intervalMs` the new ones,
 * until SIGINT or SIGTERM. Locally the endpoint comes from endpoints.json; with `--region`, AWS.
 */
export const showEvents = async (options: EventsOptions) => {
  const { json, follow, intervalMs = 1000, out = process.stdout, err = process.stderr } = options;
  const logs = new CloudWatchLogsClient(cloudWatchLogsConfig(options.region));
  const poll = feedPoller(logs, { startTime: options.since, filterPattern: options.filterPattern });
  const print = (entries: FeedEntry[]) => {
    for (const e of entries) out.write((json || !e.event ? e.message : eventLine(e.event)) + '\n');
  };
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  try {
    try {
      print(await poll());
    } catch (error) {
      throw explain(error as Error, options.region);
    }
    if (!follow) return;
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let failing: string | undefined;
    while (!stopping.signal.aborted) {
      await sleep(intervalMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      if (stopping.signal.aborted) break;
      try {
        print(await poll(stopping.signal));
        if (failing) err.write('ops: reading the feed again\n');
        failing = undefined;
      } catch (error) {
        if (stopping.signal.aborted) break;
        const message = explain(error as Error, options.region).message;
        // Once per distinct failure, not every second.
        if (message !== failing) err.write(`ops: reading the feed failed: ${message} (trying again every ${intervalMs / 1000} s)\n`);
        failing = message;
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    logs.destroy();
  }
};
