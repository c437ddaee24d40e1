import { compileFilterPattern, FilterPatternError } from './filter-pattern.ts';
import { openLogJournal, type LogJournal } from './journal.ts';

/** A log event as FilterLogEvents returns it. */
export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** An error the endpoint answers as an AWS JSON error, `__type` = its name. */
export class LogsError extends Error {
  constructor(
    override readonly name: 'ResourceNotFoundException' | 'ResourceAlreadyExistsException' | 'InvalidParameterException',
    message: string,
  ) {
    super(message);
  }
}

/** The FilterLogEvents input the local store honours (deprecated `interleaved` and `unmask` are ignored). */
export interface FilterLogEventsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
}

export interface DescribeLogGroupsInput {
  logGroupNamePrefix?: string;
  logGroupNamePattern?: string;
  nextToken?: string;
  limit?: number;
}

interface Stored extends LogEvent {
  seq: number;
}

interface Group {
  name: string;
  creationTime: number;
  retentionInDays: number | undefined;
  /** Ordered by (timestamp, seq), as FilterLogEvents answers. */
  events: Stored[];
  journal?: LogJournal | undefined;
}

export interface LogStoreOptions {
  /** Events kept per group; the oldest (by timestamp) go first. */
  maxEventsPerGroup?: number;
  region?: string;
  account?: string;
  now?: () => number;
  /** Where each group's newest events are kept across restarts (journal.ts); in memory only without. */
  journalDir?: string | undefined;
}

/** A page position: after the event at (timestamp, seq). Opaque to clients, as AWS's tokens are. */
const encodeToken = (e: Stored) => Buffer.from(JSON.stringify([e.timestamp, e.seq])).toString('base64url');
const decodeToken = (token: string): [number, number] => {
  try {
    const [t, s] = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown[];
    if (typeof t === 'number' && typeof s === 'number') return [t, s];
  } catch {
    // fall through
  }
  throw new LogsError('InvalidParameterException', 'The specified nextToken is invalid.');
};

const after = (e: Stored, [t, s]: readonly [number, number]) => e.timestamp > t || (e.timestamp === t && e.seq > s);

const checkLimit = (limit: unknown, max: number) => {
  if (limit === undefined) return max;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > max) throw new LogsError('InvalidParameterException', `limit must be a whole number from 1 to ${max}`);
  return limit as number;
};

/**
 * CloudWatch Logs on this machine, for what the local bus writes (the `log-group` rule target) and
 * operators read (FilterLogEvents): log groups of log events, in memory, and with `journalDir` also
 * on disk, so that a restart keeps them. Each group keeps its newest `maxEventsPerGroup` events
 * (10,000 by default), a sane cap for a feed that operators follow minutes back; every event is
 * also in the bus's archive on disk, which replays reach.
 */
export const createLogStore = (options: LogStoreOptions = {}) => {
  const { maxEventsPerGroup = 10_000, region = 'local', account = '000000000000', now = Date.now } = options;
  const groups = new Map<string, Group>();
  let seq = 0;
  const arnOf = (name: string) => `arn:aws:logs:${region}:${account}:log-group:${name}`;

  const group = (input: { logGroupName?: string; logGroupIdentifier?: string }) => {
    if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined)
      throw new LogsError('InvalidParameterException', 'LogGroupName and LogGroupIdentifier are mutually exclusive');
    const id = input.logGroupName ?? input.logGroupIdentifier;
    if (typeof id !== 'string' || id === '') throw new LogsError('InvalidParameterException', 'logGroupName or logGroupIdentifier is required');
    // An identifier may be the group's ARN (with or without the trailing :*).
    const name = id.startsWith('arn:') ? id.replace(/:\*$/, '').split(':log-group:')[1] ?? '' : id;
    const found = groups.get(name);
    if (!found) throw new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return found;
  };

  return {
    createLogGroup(name: string, retentionInDays?: number) {
      if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw new LogsError('InvalidParameterException', `invalid log group name ${JSON.stringify(name)}`);
      if (groups.has(name)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log group already exists');
      const journal = options.journalDir === undefined ? undefined : openLogJournal(options.journalDir, name, maxEventsPerGroup);
      // Kept events come back with their ids; new ones are numbered after them.
      const events = (journal?.events ?? []).map((e) => ({ ...e, seq: Number(e.eventId) || 0 })).sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
      for (const e of events) seq = Math.max(seq, e.seq);
      groups.set(name, { name, creationTime: now(), retentionInDays, events, journal });
    },

    /** Nothing more is written to disk (the runtime stops). */
    close() {
      for (const g of groups.values()) g.journal?.close();
    },

    /** One log event into a group's stream (streams need no creating here). */
    putLogEvent(logGroupName: string, logStreamName: string, event: { timestamp: number; message: string }) {
      const g = group({ logGroupName });
      const stored: Stored = { logStreamName, timestamp: event.timestamp, message: event.message, ingestionTime: now(), eventId: String(++seq).padStart(20, '0'), seq };
      // Usually the newest: find the place from the end.
      let i = g.events.length;
      while (i > 0 && !after(stored, [g.events[i - 1]!.timestamp, g.events[i - 1]!.seq])) i--;
      g.events.splice(i, 0, stored);
      if (g.events.length > maxEventsPerGroup) g.events.splice(0, g.events.length - maxEventsPerGroup);
      const { seq: _, ...kept } = stored;
      g.journal?.append(kept, () => g.events.map(({ seq: _seq, ...e }) => e));
    },

    /** FilterLogEvents: events in [startTime, endTime] (both inclusive), by timestamp, a page of `limit` (≤ 10,000) at a time. */
    filterLogEvents(input: FilterLogEventsInput): { events: LogEvent[]; nextToken?: string } {
      const g = group(input);
      const limit = checkLimit(input.limit, 10_000);
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined)
        throw new LogsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive');
      for (const [key, value] of [['startTime', input.startTime], ['endTime', input.endTime]] as const)
        if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new LogsError('InvalidParameterException', `${key} is milliseconds since the epoch`);
      let matches: (message: string) => boolean;
      try {
        matches = compileFilterPattern(input.filterPattern);
      } catch (error) {
        if (error instanceof FilterPatternError) throw new LogsError('InvalidParameterException', error.message);
        throw error;
      }
      const from = input.nextToken === undefined ? undefined : decodeToken(input.nextToken);
      const streams = input.logStreamNames && new Set(input.logStreamNames);
      const page: Stored[] = [];
      let more = false;
      for (const e of g.events) {
        if (input.startTime !== undefined && e.timestamp < input.startTime) continue;
        if (input.endTime !== undefined && e.timestamp > input.endTime) break;
        if (from && !after(e, from)) continue;
        if (streams && !streams.has(e.logStreamName)) continue;
        if (input.logStreamNamePrefix !== undefined && !e.logStreamName.startsWith(input.logStreamNamePrefix)) continue;
        if (!matches(e.message)) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(e);
      }
      const events = page.map(({ seq: _, ...e }) => e);
      return more ? { events, nextToken: encodeToken(page.at(-1)!) } : { events };
    },

    /** DescribeLogGroups: by name, a page of `limit` (≤ 50) at a time. */
    describeLogGroups(input: DescribeLogGroupsInput) {
      const limit = checkLimit(input.limit, 50);
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined)
        throw new LogsError('InvalidParameterException', 'logGroupNamePrefix and logGroupNamePattern are mutually exclusive');
      const names = [...groups.keys()]
        .sort()
        .filter((n) => n.startsWith(input.logGroupNamePrefix ?? '') && n.toLowerCase().includes((input.logGroupNamePattern ?? '').toLowerCase()))
        .filter((n) => input.nextToken === undefined || n > Buffer.from(input.nextToken, 'base64url').toString());
      const page = names.slice(0, limit);
      const logGroups = page.map((name) => {
        const g = groups.get(name)!;
        return {
          logGroupName: name,
          creationTime: g.creationTime,
          ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
          metricFilterCount: 0,
          arn: `${arnOf(name)}:*`,
          logGroupArn: arnOf(name),
          storedBytes: g.events.reduce((n, e) => n + Buffer.byteLength(e.message), 0),
        };
      });
      return names.length > limit ? { logGroups, nextToken: Buffer.from(page.at(-1)!).toString('base64url') } : { logGroups };
    },
  };
};

export type LogStore = ReturnType<typeof createLogStore>;
