import * as z from '../../domain/zod-mini.ts';
import { SMS_PARTY } from '../../domain/signals/signals.ts';

/**
 * The pull delivery shape for network signals: Switchboard polls an MNO's CMP on a schedule with a
 * watermark, instead of the MNO pushing records (push-format.ts). The port is what the poller needs;
 * `controlCenterPull` speaks it to a CMP modelled on the Cisco IoT Control Center REST API
 * (`/rws/api/v1`, HTTP Basic `username:apiKey`, pages of at most 50, dates in ISO 8601 or Control
 * Center's `2016-04-18 17:31:34.000+0000`).
 *
 * Where Switchboard's wire differs from Control Center's (ours, not Cisco's):
 * - `sessionInfo`: Control Center answers the current or most recent session only
 *   (`dateSessionStarted`, `dateSessionEnded`, `ipAddress`) and knows neither the serving network
 *   nor the device's IMEI. Ours adds `sessions`: the device's recent sessions, each in Control
 *   Center's shape extended with `servingPlmn` (MCC-MNC), `country` (ISO 3166 alpha-2), `imei`
 *   and `ratType`. A CMP without the extension is refused as a malformed answer naming `sessions`.
 * - The cycle: Control Center's `ctdUsages` names no billing cycle; the port's cycle is the
 *   calendar month (UTC) of the request, and an answer given while the month turned is refused
 *   as transient (which month it counted is unknown).
 */

/** The port (to move to application/signals/ports.ts). */
export interface CmpPull {
  /** ICCIDs of devices whose usage, sessions or SMS changed since `since` (ISO time), all pages read. */
  modifiedSince(since: string): Promise<string[]>;
  /** Cycle-to-date usage: the cycle (calendar month UTC, 'YYYY-MM'; or the one asked for, a past one's final figures), data bytes and SMS so far. */
  usage(iccid: string, cycle?: string): Promise<{ cycle: string; bytes: number; sms: number }>;
  /** Sessions started after `after` (ISO), oldest first: start time, serving network, the device's IMEI, RAT. */
  sessions(iccid: string, after: string): Promise<Array<{ started: string; plmn: string; country: string; imei?: string; rat?: string }>>;
  /** SMS sent or received in (from, to], oldest first: the message id, MO or MT, the other party (E.164), when. Never the text. */
  sms(iccid: string, from: string, to: string): Promise<Array<{ id: string; direction: 'mo' | 'mt'; party: string; at: string }>>;
}

/** Why a pull failed. `transient`: try again later (throttled, 5xx, no answer, an answer that is not JSON); otherwise asking again will not help. */
export class CmpPullError extends Error {
  readonly transient: boolean;
  readonly status: number | undefined;
  constructor(message: string, options: { transient: boolean; status?: number | undefined }) {
    super(message);
    this.name = 'CmpPullError';
    this.transient = options.transient;
    this.status = options.status;
  }
}

export interface ControlCenterPullOptions {
  /** The CMP's base URL; the API is under `<endpoint>/rws/api/v1/`. */
  endpoint: string;
  /** The Control Center user name. */
  username: string;
  /** The user's API key. Never logged, never in an error. */
  apiKey: string;
  /** Per HTTP call (default 10 000). */
  timeoutMs?: number;
  /** The clock that names the usage cycle (default: the system's). */
  now?: () => Date;
}

/** Control Center's largest page. */
export const PAGE_SIZE = 50;
/** Pages read in one listing at most (500 000 records), so that a CMP that never says `lastPage` cannot keep us reading. */
const MAX_PAGES = 10_000;
/** Reads of one listing when its records moved while it was paged (see `readPages`). */
const MAX_READS = 3;

// ── time ─────────────────────────────────────────────────────────────────────────────────────────

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * A date-time as Control Center writes it, ISO 8601 (`2016-04-18T17:31:34Z`, any offset) or its
 * own `2016-04-18 17:31:34.000+0000`, as an ISO time in UTC (`2016-04-18T17:31:34.000Z`);
 * undefined when it is neither or names no real instant (no offset, 30 February, 24:00).
 */
export const parseControlCenterTime = (value: string): string | undefined => {
  const m = TIME.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (y < 1000 || wall.getUTCFullYear() !== y || wall.getUTCMonth() !== mo - 1 || wall.getUTCDate() !== d || wall.getUTCHours() !== h || wall.getUTCMinutes() !== mi || wall.getUTCSeconds() !== s)
    return undefined;
  const zone = m[8]!.toUpperCase();
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || '0')];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(wall.getTime() - offsetMinutes * 60_000).toISOString();
};

/** A time as Control Center writes it in its answers: `2016-04-18 17:31:34.000+0000` (UTC). */
export const controlCenterTime = (at: Date | number | string): string => new Date(at).toISOString().replace('T', ' ').replace('Z', '+0000');

/** The calendar month (UTC) of a time, `YYYY-MM`. */
export const monthOf = (at: Date | number): string => new Date(at).toISOString().slice(0, 7);

// ── the answers, checked ─────────────────────────────────────────────────────────────────────────

const Time = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const iso = parseControlCenterTime(value);
    if (iso === undefined) {
      ctx.issues.push({ code: 'custom', message: 'not a date-time (ISO 8601 or yyyy-MM-dd HH:mm:ss.SSSZ)', input: value });
      return z.NEVER;
    }
    return iso;
  }),
);
const ICCID = /^\d{18,22}$/;
const Iccid = z.string().check(z.regex(ICCID, 'an ICCID is 18–22 digits'));
const Count = z.int().check(z.nonnegative());
const Page = { pageNumber: z.int().check(z.positive()), lastPage: z.boolean() };

const DevicesPage = z.object({ devices: z.array(z.object({ iccid: Iccid })), ...Page });
const CtdUsage = z.object({ iccid: Iccid, ctdDataUsage: Count, ctdSMSUsage: Count });
/** Control Center's session, extended (ours) with where it was served, by which device, on which RAT. */
const Session = z.object({
  dateSessionStarted: Time,
  dateSessionEnded: z.nullish(Time),
  servingPlmn: z.string().check(z.regex(/^\d{3}-\d{2,3}$/, 'a PLMN id is MCC-MNC, e.g. 262-01')),
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'a country is an ISO 3166 alpha-2 code')),
  imei: z.nullish(z.string().check(z.regex(/^\d{15}$/, 'an IMEI is 15 digits'))),
  ratType: z.nullish(z.string().check(z.minLength(1), z.maxLength(16))),
});
const SessionInfo = z.object({ iccid: Iccid, sessions: z.array(Session) });
const MsgId = z.pipe(z.union([z.int().check(z.nonnegative()), z.string().check(z.regex(/^\d{1,20}$/, 'a message id is digits'))]), z.transform(String));
const SmsPage = z.object({ smsMsgIds: z.array(MsgId), ...Page });
/** An SMS's details without `messageText`: unknown keys are stripped as the answer is read, so the text goes no further. */
const SmsDetails = z.object({ smsMsgId: MsgId, iccid: Iccid, msgType: z.enum(['MO', 'MT']), sentFrom: z.string(), sentTo: z.string(), dateSent: Time });

/** Where a zod issue is, as `devices[0].iccid`. */
const pathOf = (path: readonly PropertyKey[]) => path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
/** The issues (path and zod's message, which quotes no values), the first three. */
const issuesOf = (error: z.core.$ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${pathOf(i.path) || '(the body)'}: ${i.message}`)
    .join('; ') + (error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : '');

/** An error code from an error body, passed on only if it looks like one (no prose: bodies may name other accounts' devices). */
const codeOf = (text: string): string => {
  try {
    const body = JSON.parse(text) as { errorCode?: unknown };
    const code = typeof body.errorCode === 'number' ? String(body.errorCode) : body.errorCode;
    return typeof code === 'string' && /^[\w.:-]{1,40}$/.test(code) ? ` ${code}` : '';
  } catch {
    return '';
  }
};

const iso = (value: string, name: string) => {
  const at = typeof value === 'string' ? parseControlCenterTime(value) : undefined;
  if (at === undefined) throw new CmpPullError(`${name} is not a date-time (ISO 8601)`, { transient: false });
  return at;
};
const checkIccid = (iccid: string) => {
  if (typeof iccid !== 'string' || !ICCID.test(iccid)) throw new CmpPullError('not an ICCID (18–22 digits)', { transient: false });
};

/**
 * A client of the Control Center pull API. Each answer is checked before use: an error names the
 * call and the field, never a credential nor a value from the answer.
 */
export const controlCenterPull = (options: ControlCenterPullOptions): CmpPull => {
  const base = new URL(options.endpoint);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError('the Control Center endpoint is an http(s) URL');
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}/rws/api/v1/`;
  if (options.username.includes(':')) throw new RangeError('a Control Center user name has no colon (HTTP Basic)');
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.apiKey}`, 'utf8').toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());

  /** GET `<root><path>?<query>`, the answer checked against `schema`; `path` is what errors name. */
  const get = async <S extends z.ZodMiniType>(path: string, query: Record<string, string>, schema: S): Promise<z.output<S>> => {
    const search = new URLSearchParams(query).toString();
    const call = `Control Center GET ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(root + path + (search && `?${search}`), {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (error) {
      const name = (error as Error).name;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const why = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `no answer (${cause ?? name})`;
      throw new CmpPullError(`${call}: ${why}`, { transient: true });
    }
    const { status } = res;
    if (status === 401 || status === 403) throw new CmpPullError(`${call}: Control Center refused the credentials (HTTP ${status}${codeOf(text)})`, { transient: false, status });
    if (status === 408 || status === 429 || status >= 500) throw new CmpPullError(`${call}: HTTP ${status}${codeOf(text)}, try again later`, { transient: true, status });
    if (status === 404) throw new CmpPullError(`${call}: not found (HTTP 404${codeOf(text)})`, { transient: false, status });
    if (status < 200 || status > 299) throw new CmpPullError(`${call}: refused (HTTP ${status}${codeOf(text)})`, { transient: false, status });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // A maintenance page behind a 200, a proxy's error: quoted nowhere, and likely gone later.
      throw new CmpPullError(`${call}: the answer (HTTP ${status}) is not JSON`, { transient: true, status });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new CmpPullError(`${call}: unexpected answer: ${issuesOf(parsed.error)}`, { transient: false, status });
    return parsed.data;
  };

  /**
   * Every page of a listing. Control Center sorts listings by modification, oldest first: a record
   * modified while the listing is paged moves to its end, and the record after it slips back onto
   * a page already read. The moved one then shows up twice, so a listing with a repeat is read
   * again (the union kept), until one read has none; at most MAX_READS times, then transient.
   */
  const readPages = async <T>(what: string, key: (item: T) => string, page: (n: number) => Promise<{ items: T[]; pageNumber: number; lastPage: boolean }>): Promise<T[]> => {
    const all = new Map<string, T>();
    for (let read = 1; read <= MAX_READS; read++) {
      const seen = new Set<string>();
      let repeated = false;
      for (let n = 1; ; n++) {
        if (n > MAX_PAGES) throw new CmpPullError(`Control Center ${what}: more than ${MAX_PAGES} pages`, { transient: false });
        const answer = await page(n);
        if (answer.pageNumber !== n) throw new CmpPullError(`Control Center ${what}: asked for page ${n}, answered page ${answer.pageNumber}`, { transient: false });
        for (const item of answer.items) {
          const k = key(item);
          if (seen.has(k)) repeated = true;
          seen.add(k);
          all.set(k, item);
        }
        if (answer.lastPage) break;
      }
      if (!repeated) return [...all.values()];
    }
    throw new CmpPullError(`Control Center ${what}: the listing kept changing while it was paged (${MAX_READS} reads)`, { transient: true });
  };

  return {
    async modifiedSince(since) {
      const modifiedSince = iso(since, 'since');
      return readPages<string>('devices', (iccid) => iccid, async (n) => {
        const answer = await get('devices', { modifiedSince, pageSize: String(PAGE_SIZE), pageNumber: String(n) }, DevicesPage);
        return { items: answer.devices.map((d) => d.iccid), pageNumber: answer.pageNumber, lastPage: answer.lastPage };
      });
    },

    async usage(iccid, of) {
      checkIccid(iccid);
      const cycle = of ?? monthOf(now());
      const path = `devices/${iccid}/ctdUsages`;
      const answer = await get(path, of ? { cycle: of } : {}, CtdUsage);
      if (answer.iccid !== iccid) throw new CmpPullError(`Control Center GET ${path}: answered for another device`, { transient: false });
      if (!of && monthOf(now()) !== cycle) throw new CmpPullError(`Control Center GET ${path}: the month turned during the call, so its cycle is unknown; ask again`, { transient: true });
      return { cycle, bytes: answer.ctdDataUsage, sms: answer.ctdSMSUsage };
    },

    async sessions(iccid, after) {
      checkIccid(iccid);
      const afterMs = Date.parse(iso(after, 'after'));
      const path = `devices/${iccid}/sessionInfo`;
      const answer = await get(path, {}, SessionInfo);
      if (answer.iccid !== iccid) throw new CmpPullError(`Control Center GET ${path}: answered for another device`, { transient: false });
      return answer.sessions
        .filter((s) => Date.parse(s.dateSessionStarted) > afterMs)
        .sort((a, b) => Date.parse(a.dateSessionStarted) - Date.parse(b.dateSessionStarted))
        .map((s) => ({ started: s.dateSessionStarted, plmn: s.servingPlmn, country: s.country, ...(s.imei && { imei: s.imei }), ...(s.ratType && { rat: s.ratType }) }));
    },

    async sms(iccid, from, to) {
      checkIccid(iccid);
      const [fromDate, toDate] = [iso(from, 'from'), iso(to, 'to')];
      const [fromMs, toMs] = [Date.parse(fromDate), Date.parse(toDate)];
      if (fromMs > toMs) throw new CmpPullError('from is after to', { transient: false });
      if (fromMs === toMs) return [];
      // Control Center's window is [fromDate, toDate]; the port's is (from, to]: the ends are checked below.
      const ids = await readPages<string>('smsMessages', (id) => id, async (n) => {
        const answer = await get('smsMessages', { fromDate, toDate, iccid, pageSize: String(PAGE_SIZE), pageNumber: String(n) }, SmsPage);
        return { items: answer.smsMsgIds, pageNumber: answer.pageNumber, lastPage: answer.lastPage };
      });
      const out: Array<{ id: string; direction: 'mo' | 'mt'; party: string; at: string }> = [];
      // One call at a time, as Control Center asks of its clients.
      for (const id of ids) {
        const path = `smsMessages/${id}`;
        const m = await get(path, {}, SmsDetails);
        if (m.iccid !== iccid) throw new CmpPullError(`Control Center GET ${path}: the message is another device's`, { transient: false });
        const at = Date.parse(m.dateSent);
        if (at <= fromMs || at > toMs) continue;
        const party = m.msgType === 'MO' ? m.sentTo : m.sentFrom;
        // `Server` is Control Center itself (a message sent through its own Send SMS API), not a party of the device's.
        if (party === 'Server') continue;
        // A number, a short code or an alphanumeric sender id (as SMS allows); anything else is left out, not fatal to the device's poll.
        if (!SMS_PARTY.test(party)) continue;
        out.push({ id: m.smsMsgId, direction: m.msgType === 'MO' ? 'mo' : 'mt', party, at: m.dateSent });
      }
      return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
};
