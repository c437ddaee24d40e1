import { Signal } from '../../domain/signals/signals.ts';
import { csvRows, newlinesIn } from './csv.ts';

/**
 * The batch format: CDR files an MNO drops in a bucket (S3 with event notifications in AWS, a
 * folder locally), each read once. CSV as RFC 4180 has it: a header line naming the columns (any
 * order, case and surrounding blanks ignored, unknown columns ignored), comma-separated fields,
 * quoted fields with `""` for a quote (and commas or line breaks inside), CRLF or LF line ends; a
 * UTF-8 byte order mark and blank lines are skipped, values are trimmed and an empty one is absent.
 *
 * Columns: `record_type` (session | usage | sms | flow), `iccid`, `timestamp` (ISO 8601, UTC or
 * with an offset, read as UTC) on every line, and by type:
 * - session: `event` (attach | detach), `serving_plmn` (MCC-MNC), `country`; `imei`, `rat` optional;
 * - usage: `bytes_uplink`, `bytes_downlink`;
 * - sms: `direction` (MO | MT), `other_party` (E.164);
 * - flow: `destination_ip`, `protocol` (tcp | udp | icmp, or 6 | 17 | 1), `octets`; `destination_port` optional.
 *
 * A file without `record_type`, `iccid` or `timestamp` in its header, larger than 50 MB or longer
 * than 200 000 lines is refused whole (`fatal`); otherwise each line is read on its own, against
 * the domain's schema, and a bad one is refused with its line number (1-based, the header is
 * line 1; a record spanning lines counts from its first) and why: column names and messages,
 * never the line's values (they may be personal data).
 */
export const MAX_CDR_BYTES = 50 * 1024 * 1024;
export const MAX_CDR_LINES = 200_000;

export const CDR_COLUMNS = [
  'record_type',
  'iccid',
  'timestamp',
  'event',
  'imei',
  'serving_plmn',
  'country',
  'rat',
  'bytes_uplink',
  'bytes_downlink',
  'direction',
  'other_party',
  'destination_ip',
  'destination_port',
  'protocol',
  'octets',
] as const;
export type CdrColumn = (typeof CDR_COLUMNS)[number];

/** On every line; a header without one of them makes the file unreadable. */
export const REQUIRED_CDR_COLUMNS = ['record_type', 'iccid', 'timestamp'] as const satisfies readonly CdrColumn[];

const RECORD_TYPES = ['session', 'usage', 'sms', 'flow'] as const;
type RecordType = (typeof RECORD_TYPES)[number];

/** Per type, the columns a line must have a value in (beyond the required three). */
const NEEDED: Record<RecordType, readonly CdrColumn[]> = {
  session: ['event', 'serving_plmn', 'country'],
  usage: ['bytes_uplink', 'bytes_downlink'],
  sms: ['direction', 'other_party'],
  flow: ['destination_ip', 'protocol', 'octets'],
};

/** Per type, the signal's fields as the columns they come from (for naming what is wrong). */
const COLUMN_OF: Record<RecordType, Record<string, string>> = {
  session: { kind: 'record_type', iccid: 'iccid', at: 'timestamp', event: 'event', imei: 'imei', plmn: 'serving_plmn', country: 'country', rat: 'rat' },
  usage: { kind: 'record_type', iccid: 'iccid', at: 'timestamp', bytes: 'bytes_uplink+bytes_downlink' },
  sms: { kind: 'record_type', iccid: 'iccid', at: 'timestamp', direction: 'direction', party: 'other_party' },
  flow: { kind: 'record_type', iccid: 'iccid', at: 'timestamp', destination: 'destination_ip', port: 'destination_port', protocol: 'protocol', bytes: 'octets' },
};

const PROTOCOLS: Record<string, 'tcp' | 'udp' | 'icmp'> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', '6': 'tcp', '17': 'udp', '1': 'icmp' };
export const NAME_OF_PROTOCOL = { 6: 'tcp', 17: 'udp', 1: 'icmp' } as const;

export interface CdrRefusal {
  /** 1-based; the header is line 1. */
  line: number;
  /** Column names and messages, never values. */
  error: string;
}

export interface CdrRead {
  signals: Signal[];
  refused: CdrRefusal[];
  /** Set when the file cannot be read at all (then there are no signals and no refusals). */
  fatal?: string;
}

const linesOf = (text: string) => {
  if (text.length === 0) return 0;
  return newlinesIn(text, 0, text.length) + (text.endsWith('\n') ? 0 : 1);
};

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([+-]\d{2}:?\d{2})$/;
/** UTC as the domain keeps it; a time with an offset is read as the same instant in UTC. */
const utc = (value: string) => {
  if (!ISO_WITH_OFFSET.test(value)) return value;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

const COUNT = /^\d{1,16}$/;

/** One line's values (by column) as a signal, or the reasons it is not one. */
const signalOfLine = (value: (column: CdrColumn) => string | undefined, hasColumn: (column: CdrColumn) => boolean): { signal: Signal } | { error: string } => {
  const problems = new Map<string, string>();
  const missing = (column: CdrColumn) => problems.set(column, hasColumn(column) ? 'a value is required' : 'no such column in the header');
  for (const column of REQUIRED_CDR_COLUMNS) if (value(column) === undefined) missing(column);
  const rawType = value('record_type')?.toLowerCase();
  if (rawType !== undefined && !(RECORD_TYPES as readonly string[]).includes(rawType)) problems.set('record_type', `one of ${RECORD_TYPES.join(', ')}`);
  if (problems.has('record_type')) return { error: [...problems].map(([c, m]) => `${c}: ${m}`).join('; ') };
  const type = rawType as RecordType;
  for (const column of NEEDED[type]) if (value(column) === undefined) missing(column);

  const count = (column: CdrColumn) => {
    const v = value(column);
    if (v === undefined) return undefined;
    if (COUNT.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
    problems.set(column, 'a non-negative integer');
    return undefined;
  };
  const oneOf = <T extends string>(column: CdrColumn, map: Record<string, T>, say: string) => {
    const v = value(column);
    if (v === undefined) return undefined;
    const found = Object.hasOwn(map, v.toLowerCase()) ? map[v.toLowerCase()] : undefined;
    if (found === undefined) problems.set(column, `one of ${say}`);
    return found;
  };
  const common = { iccid: value('iccid'), at: value('timestamp') === undefined ? undefined : utc(value('timestamp')!) };
  let candidate: Record<string, unknown>;
  switch (type) {
    case 'session':
      candidate = {
        kind: 'session',
        ...common,
        event: oneOf('event', { attach: 'attach', detach: 'detach' }, 'attach, detach'),
        imei: value('imei'),
        plmn: value('serving_plmn'),
        country: value('country'),
        rat: value('rat'),
      };
      break;
    case 'usage': {
      const up = count('bytes_uplink');
      const down = count('bytes_downlink');
      candidate = { kind: 'usage', ...common, bytes: up !== undefined && down !== undefined ? up + down : undefined };
      break;
    }
    case 'sms':
      candidate = { kind: 'sms', ...common, direction: oneOf('direction', { mo: 'mo', mt: 'mt' }, 'MO, MT'), party: value('other_party') };
      break;
    case 'flow':
      candidate = {
        kind: 'flow',
        ...common,
        destination: value('destination_ip'),
        port: count('destination_port'),
        protocol: oneOf('protocol', PROTOCOLS, 'tcp, udp, icmp, 6, 17, 1'),
        bytes: count('octets'),
      };
      break;
  }
  for (const [k, v] of Object.entries(candidate)) if (v === undefined) delete candidate[k];
  const parsed = Signal.safeParse(candidate);
  if (parsed.success && problems.size === 0) return { signal: parsed.data };
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      const column = typeof field === 'string' ? (COLUMN_OF[type][field] ?? field) : '(record)';
      // A column already found wanting (missing, not a number) is named once, with the first reason.
      if (column.split('+').some((c) => problems.has(c))) continue;
      problems.set(column, issue.message);
    }
  return { error: [...problems].map(([c, m]) => `${c}: ${m}`).join('; ') };
};

const refuse = (fatal: string): CdrRead => ({ signals: [], refused: [], fatal });

/** A CDR file's text as signals, the lines refused (and why), or why the whole file is. */
export const readCdr = (input: string): CdrRead => {
  if (input.length > MAX_CDR_BYTES || Buffer.byteLength(input, 'utf8') > MAX_CDR_BYTES)
    return refuse(`the file is larger than ${MAX_CDR_BYTES / 1024 / 1024} MB, the most a CDR file may be; split it`);
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = linesOf(text);
  if (lines > MAX_CDR_LINES) return refuse(`the file has ${lines} lines, more than the ${MAX_CDR_LINES} a CDR file may have; split it`);

  const rows = csvRows(text);
  const first = rows.next();
  if (first.done) return refuse('the file is empty: no header line');
  const head = first.value;
  if ('error' in head) return refuse(`the header (line ${head.line}) is malformed: ${head.error}`);
  const names = head.fields.map((h) => h.trim().toLowerCase());
  const index = new Map<string, number>();
  const twice = new Set<string>();
  names.forEach((name, i) => {
    if (!(CDR_COLUMNS as readonly string[]).includes(name)) return;
    if (index.has(name)) twice.add(name);
    else index.set(name, i);
  });
  const absent = REQUIRED_CDR_COLUMNS.filter((c) => !index.has(c));
  if (absent.length > 0) return refuse(`the header lacks the column${absent.length > 1 ? 's' : ''} ${absent.join(', ')}`);
  if (twice.size > 0) return refuse(`the header names ${[...twice].join(', ')} more than once`);

  const signals: Signal[] = [];
  const refused: CdrRefusal[] = [];
  const hasColumn = (column: CdrColumn) => index.has(column);
  for (const row of rows) {
    if ('error' in row) {
      refused.push(row);
      continue;
    }
    if (row.fields.length !== names.length) {
      refused.push({ line: row.line, error: `${row.fields.length} field${row.fields.length === 1 ? '' : 's'} where the header has ${names.length}` });
      continue;
    }
    const value = (column: CdrColumn) => {
      const i = index.get(column);
      const v = i === undefined ? undefined : row.fields[i]!.trim();
      return v === '' ? undefined : v;
    };
    const read = signalOfLine(value, hasColumn);
    if ('signal' in read) signals.push(read.signal);
    else refused.push({ line: row.line, error: read.error });
  }
  return { signals, refused };
};
