import type { EventBridgeEvent } from 'aws-lambda';

/** An event as EventBridge delivers it to targets (`replay-name` only on replayed events). */
export type BusEvent = EventBridgeEvent<string, unknown>;

/** A PutEvents entry; `Time` as the SDK sends it over JSON 1.1 (epoch seconds) or as a Date in process. */
export interface PutEventsEntry {
  Source?: string | undefined;
  DetailType?: string | undefined;
  Detail?: string | undefined;
  Resources?: string[] | undefined;
  Time?: Date | number | string | undefined;
  EventBusName?: string | undefined;
  TraceHeader?: string | undefined;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

/** A whole request refused (HTTP 400), as opposed to an entry refused in the result. */
export class ValidationException extends Error {
  override name = 'ValidationException';
}

const bytes = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

/** An entry's size as EventBridge counts it: Time 14 bytes, then Source, DetailType, Detail and Resources in UTF-8. */
export const entrySize = (e: PutEventsEntry) =>
  (e.Time !== undefined ? 14 : 0) + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) + (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0);

/** The limits that refuse a whole call: 1 to 10 entries, at most 256 KB together. */
export const checkRequest = (entries: unknown): PutEventsEntry[] => {
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES)
    throw new ValidationException(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
    );
  if (entries.reduce((n: number, e: PutEventsEntry) => n + entrySize(e), 0) > MAX_REQUEST_BYTES)
    throw new ValidationException('Total size of the entries in the request is over the limit.');
  return entries as PutEventsEntry[];
};

const invalid = (parameter: string, reason: string) => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
});

const isBlank = (s: unknown) => typeof s !== 'string' || s.trim() === '';

/**
 * One entry's own validity, as EventBridge answers it in the entry's result: Source, DetailType
 * and Detail required; Detail a JSON object; the bus one that exists. Returns the parsed detail.
 */
export const checkEntry = (
  entry: PutEventsEntry,
  buses: readonly string[],
): { error: { ErrorCode: string; ErrorMessage: string } } | { detail: Record<string, unknown>; bus: string } => {
  for (const field of ['Source', 'DetailType', 'Detail'] as const)
    if (isBlank(entry[field])) return { error: invalid(field, `${field} is a required argument.`) };
  const bus = (entry.EventBusName ?? 'default').replace(/^arn:aws:events:[^:]*:\d*:event-bus\//, '');
  if (!buses.includes(bus)) return { error: invalid('EventBusName', `Event bus ${bus} does not exist.`) };
  if (entry.Resources !== undefined && (!Array.isArray(entry.Resources) || entry.Resources.some((r) => typeof r !== 'string')))
    return { error: invalid('Resources', 'Resources must be a list of strings.') };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail!);
  } catch {
    return { error: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return { error: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  return { detail: detail as Record<string, unknown>, bus };
};

/** EventBridge writes `time` to the second, without milliseconds. */
const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const timeOf = (time: PutEventsEntry['Time'], now: Date) => {
  const d = time === undefined ? now : time instanceof Date ? time : typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return isoSeconds(Number.isNaN(d.getTime()) ? now : d);
};

/** The envelope EventBridge builds around an accepted entry. */
export const envelope = (
  entry: PutEventsEntry,
  detail: Record<string, unknown>,
  at: { id: string; account: string; region: string; now: Date },
): BusEvent => ({
  version: '0',
  id: at.id,
  'detail-type': entry.DetailType!,
  source: entry.Source!,
  account: at.account,
  time: timeOf(entry.Time, at.now),
  region: at.region,
  resources: entry.Resources ?? [],
  detail,
});
