import { controlCenterTime, monthOf, parseControlCenterTime } from '../../../adapters/signals/control-center-pull.ts';
import type { PushRecord } from '../../../adapters/signals/push-format.ts';
import { basicAuth, sameSecret } from './credentials.ts';
import { json, matchPath, type CmpReply, type CmpRequest } from './http.ts';

/**
 * The pull side of a simulated MNO's traffic: a store that takes the traffic generator's records
 * (`deliver`, in place of the push deliverer) and serves them as a CMP modelled on the Cisco IoT
 * Control Center REST API does (`handle`, the routes under `/rws/api/v1/`, behind HTTP Basic
 * with any user name and the simulator's `apiKey`):
 *
 * - `GET devices?modifiedSince=&pageSize=&pageNumber=`: devices modified strictly after
 *   `modifiedSince` (when this store took a record that changed them), oldest change first.
 * - `GET devices/{iccid}/ctdUsages[?cycle=YYYY-MM]`: the calendar month's (UTC, by the store's clock;
 *   or, our extension, a given month kept) data bytes, SMS and sessions.
 * - `GET devices/{iccid}/sessionInfo`: Control Center's most recent session, and (our extension,
 *   not Control Center's) `sessions`: the kept sessions, each with `servingPlmn`, `country`,
 *   `imei` and `ratType` from its attach record; a detach (or the next attach) ends a session.
 * - `GET smsMessages?fromDate=&toDate=&iccid=&msgType=&pageSize=&pageNumber=` (both ends
 *   inclusive) and `GET smsMessages/{smsMsgId}`: the SMS records, with ids given as they arrive.
 *
 * Flow records are not served by Control Center: the store ignores them. Bounded per device: the
 * last MAX_KEPT sessions and SMS, and the current and previous month's usage (records for other
 * months change no total). In memory only: traffic is not kept across restarts.
 */
export const MAX_KEPT = 1_000;
const MAX_PAGE_SIZE = 50;

interface Session {
  started: number;
  ended?: number;
  ip: string;
  plmn: string;
  country: string;
  imei?: string | undefined;
  rat?: string | undefined;
}
interface Sms {
  id: number;
  direction: 'MO' | 'MT';
  party: string;
  at: number;
}
interface Usage {
  bytes: number;
  sms: number;
  sessions: number;
}
interface Device {
  iccid: string;
  /** When this store last took a record that changed what it serves of the device (ms). */
  modified: number;
  usage: Map<string, Usage>;
  sessions: Session[];
  sms: Sms[];
  imei?: string | undefined;
}

/** What the simulator lends the routes: its API key, and the SIM statuses its CMP holds. */
export interface PullAccess {
  apiKey: string;
  simStatus?: ((iccid: string) => string | undefined) | undefined;
}

export interface PullStore {
  /** Takes records (what `startTraffic` calls `deliver`); never throws. */
  deliver(records: PushRecord[]): Promise<void>;
  /** Answers a CMP call under `/rws/`; undefined for any other path. */
  handle(request: CmpRequest, access: PullAccess): CmpReply | undefined;
  /** What it holds: devices, kept sessions and SMS, records ignored (flows, usage of an older or later month). */
  stats(): { devices: number; sessions: number; sms: number; ignored: number };
}

/** Control Center's SIM status words for the simulators' ('active' → ACTIVATED...); a device never held by the CMP is taken as ACTIVATED (it sent traffic). */
const CC_STATUS: Record<string, string> = { active: 'ACTIVATED', suspended: 'DEACTIVATED', terminated: 'RETIRED' };
const RATE_PLAN = 'Simulated IoT Plan';
const COMMUNICATION_PLAN = 'Simulated Data SMS';

/** Control Center's error body; 10000001 is its "invalid credentials", the other codes are the simulator's own. */
const ccError = (status: number, errorCode: string, errorMessage: string, headers: Record<string, string> = {}): CmpReply => json(status, { errorMessage, errorCode }, headers);
const unauthorized = () => ccError(401, '10000001', 'Invalid credentials.', { 'www-authenticate': 'Basic realm="Control Center"' });

const previousMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
/** The device's MSISDN as this simulator makes one up: +882 (international networks) 3, and the ICCID's last 10 digits. */
const msisdnOf = (iccid: string) => `+8823${iccid.slice(-10)}`;
const ipOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const ccTime = (ms: number | undefined) => (ms === undefined ? null : controlCenterTime(ms));

export const pullStore = (options: { now?: () => Date } = {}): PullStore => {
  const now = options.now ?? (() => new Date());
  const devices = new Map<string, Device>();
  /** Every kept SMS by id, for `smsMessages/{id}`. */
  const messages = new Map<number, { iccid: string; sms: Sms }>();
  let lastSmsId = 0;
  let sessionsMade = 0;
  let ignored = 0;

  const deviceOf = (iccid: string): Device => {
    let d = devices.get(iccid);
    if (!d) devices.set(iccid, (d = { iccid, modified: 0, usage: new Map(), sessions: [], sms: [] }));
    return d;
  };
  /** The month's usage of a device, when the month is kept (the current or previous one). */
  const usageOf = (d: Device, at: number, months: readonly string[]): Usage | undefined => {
    const month = monthOf(at);
    if (!months.includes(month)) return undefined;
    let u = d.usage.get(month);
    if (!u) d.usage.set(month, (u = { bytes: 0, sms: 0, sessions: 0 }));
    return u;
  };
  /** The last open session that started at or before `at`. */
  const openAt = (d: Device, at: number) => d.sessions.findLast((s) => s.ended === undefined && s.started <= at);

  const take = (r: PushRecord, d: Device, months: readonly string[]): boolean => {
    switch (r.type) {
      case 'flow':
        return false;
      case 'usage': {
        const u = usageOf(d, Date.parse(r.timestamp), months);
        if (!u) return false;
        u.bytes += r.bytesUplink + r.bytesDownlink;
        return true;
      }
      case 'session': {
        const at = Date.parse(r.timestamp);
        const open = openAt(d, at);
        if (r.event === 'detach') {
          if (!open) return false;
          open.ended = at;
          return true;
        }
        if (open) open.ended = at;
        sessionsMade += 1;
        d.sessions.push({ started: at, ip: ipOf(sessionsMade), plmn: r.servingPlmn, country: r.country, imei: r.imei, rat: r.rat });
        if (d.sessions.length > MAX_KEPT) d.sessions.splice(0, d.sessions.length - MAX_KEPT);
        if (r.imei) d.imei = r.imei;
        const u = usageOf(d, at, months);
        if (u) u.sessions += 1;
        return true;
      }
      case 'sms': {
        const sms: Sms = { id: ++lastSmsId, direction: r.direction, party: r.otherParty, at: Date.parse(r.timestamp) };
        d.sms.push(sms);
        messages.set(sms.id, { iccid: d.iccid, sms });
        for (const gone of d.sms.length > MAX_KEPT ? d.sms.splice(0, d.sms.length - MAX_KEPT) : []) messages.delete(gone.id);
        const u = usageOf(d, sms.at, months);
        if (u) u.sms += 1;
        return true;
      }
    }
  };

  const deliver = async (records: PushRecord[]): Promise<void> => {
    const at = now().getTime();
    const current = monthOf(at);
    const months = [current, previousMonth(current)];
    for (const r of records) {
      // Flows: Control Center serves none. A device is known once it has something Control Center serves.
      if (r.type === 'flow') {
        ignored += 1;
        continue;
      }
      const d = deviceOf(r.iccid);
      if (take(r, d, months)) d.modified = at;
      else ignored += 1;
    }
    for (const d of devices.values()) for (const month of d.usage.keys()) if (!months.includes(month)) d.usage.delete(month);
  };

  // ── the routes ─────────────────────────────────────────────────────────────────────────────────

  /** An integer query parameter in [min, max], its default when absent, undefined when invalid. */
  const intParam = (query: URLSearchParams, name: string, fallback: number, min: number, max: number) => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    return n >= min && n <= max ? n : undefined;
  };
  /** A page of `items` as Control Center pages them; an error reply for bad paging parameters. */
  const paged = <T>(query: URLSearchParams, items: T[], shape: (page: T[]) => Record<string, unknown>): CmpReply => {
    const pageSize = intParam(query, 'pageSize', MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    const pageNumber = intParam(query, 'pageNumber', 1, 1, 1_000_000);
    if (pageSize === undefined) return ccError(400, 'INVALID_PAGE_SIZE', `pageSize is 1–${MAX_PAGE_SIZE}`);
    if (pageNumber === undefined) return ccError(400, 'INVALID_PAGE_NUMBER', 'pageNumber is a positive integer');
    const start = (pageNumber - 1) * pageSize;
    return json(200, { ...shape(items.slice(start, start + pageSize)), pageNumber, lastPage: start + pageSize >= items.length });
  };
  const timeParam = (query: URLSearchParams, name: string): number | undefined | 'invalid' => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const iso = parseControlCenterTime(raw);
    return iso === undefined ? 'invalid' : Date.parse(iso);
  };

  const handle = (request: CmpRequest, access: PullAccess): CmpReply | undefined => {
    const { method, path, headers } = request;
    if (!path.startsWith('/rws/')) return undefined;
    const header = headers.authorization;
    if (!sameSecret(basicAuth(typeof header === 'string' ? header : undefined)?.password, access.apiKey)) return unauthorized();
    if (method !== 'GET') return ccError(405, 'METHOD_NOT_ALLOWED', `${method} is not served here: GET only`);
    const query = request.query ?? new URLSearchParams();
    const status = (iccid: string) => CC_STATUS[access.simStatus?.(iccid) ?? 'active'] ?? 'ACTIVATED';
    /** A device this CMP knows: one it holds records of, or a SIM it holds. */
    const known = (iccid: string): Device | undefined =>
      devices.get(iccid) ?? (access.simStatus?.(iccid) !== undefined ? { iccid, modified: 0, usage: new Map(), sessions: [], sms: [] } : undefined);
    const noDevice = (iccid: string) => ccError(404, 'DEVICE_NOT_FOUND', `no device ${iccid}`);
    let p: Record<string, string> | undefined;

    if (path === '/rws/api/v1/devices') {
      const since = timeParam(query, 'modifiedSince');
      if (since === undefined || since === 'invalid') return ccError(400, 'INVALID_MODIFIED_SINCE', 'modifiedSince is required: a date-time in ISO 8601');
      const changed = [...devices.values()].filter((d) => d.modified > since).sort((a, b) => a.modified - b.modified || (a.iccid < b.iccid ? -1 : 1));
      return paged(query, changed, (page) => ({
        devices: page.map((d) => ({ iccid: d.iccid, status: status(d.iccid), ratePlan: RATE_PLAN, communicationPlan: COMMUNICATION_PLAN })),
      }));
    }
    if ((p = matchPath('/rws/api/v1/devices/{iccid}/ctdUsages', path))) {
      const d = known(p.iccid!);
      if (!d) return noDevice(p.iccid!);
      // `cycle=YYYY-MM` (our extension, as Control Center's usage by cycle): a month kept, the current or the previous.
      const cycle = query.get('cycle') ?? monthOf(now());
      if (!/^\d{4}-\d\d$/.test(cycle)) return ccError(400, 'INVALID_CYCLE', 'cycle is YYYY-MM');
      const u = d.usage.get(cycle) ?? { bytes: 0, sms: 0, sessions: 0 };
      return json(200, {
        iccid: d.iccid,
        msisdn: msisdnOf(d.iccid),
        imei: d.imei ?? null,
        status: status(d.iccid),
        ratePlan: RATE_PLAN,
        communicationPlan: COMMUNICATION_PLAN,
        ctdDataUsage: u.bytes,
        ctdSMSUsage: u.sms,
        ctdVoiceUsage: 0,
        ctdSessionCount: u.sessions,
        overageLimitReached: false,
        overageLimitOverride: 'DEFAULT',
      });
    }
    if ((p = matchPath('/rws/api/v1/devices/{iccid}/sessionInfo', path))) {
      const d = known(p.iccid!);
      if (!d) return noDevice(p.iccid!);
      const sessions = [...d.sessions].sort((a, b) => a.started - b.started);
      const latest = sessions.at(-1);
      return json(200, {
        iccid: d.iccid,
        dateSessionStarted: ccTime(latest?.started),
        dateSessionEnded: ccTime(latest?.ended),
        ipAddress: latest?.ip ?? null,
        // Ours, not Control Center's: the kept sessions, with where they were served and by which device.
        sessions: sessions.map((s) => ({
          dateSessionStarted: ccTime(s.started),
          dateSessionEnded: ccTime(s.ended),
          ipAddress: s.ip,
          servingPlmn: s.plmn,
          country: s.country,
          imei: s.imei ?? null,
          ratType: s.rat ?? null,
        })),
      });
    }
    if (path === '/rws/api/v1/smsMessages') {
      const from = timeParam(query, 'fromDate');
      const to = timeParam(query, 'toDate') ?? now().getTime();
      if (from === undefined || from === 'invalid') return ccError(400, 'INVALID_FROM_DATE', 'fromDate is required: a date-time in ISO 8601');
      if (to === 'invalid') return ccError(400, 'INVALID_TO_DATE', 'toDate is a date-time in ISO 8601');
      const msgType = query.get('msgType');
      if (msgType !== null && msgType !== 'MO' && msgType !== 'MT') return ccError(400, 'INVALID_MSG_TYPE', 'msgType is MO or MT');
      const iccid = query.get('iccid');
      let scope: Device[] = [...devices.values()];
      if (iccid !== null) {
        const d = known(iccid);
        if (!d) return noDevice(iccid);
        scope = [d];
      }
      const found = scope
        .flatMap((d) => d.sms)
        .filter((m) => m.at >= from && m.at <= to && (msgType === null || m.direction === msgType))
        .sort((a, b) => a.at - b.at || a.id - b.id);
      return paged(query, found, (page) => ({ smsMsgIds: page.map((m) => m.id) }));
    }
    if ((p = matchPath('/rws/api/v1/smsMessages/{smsMsgId}', path))) {
      const kept = /^\d{1,15}$/.test(p.smsMsgId!) ? messages.get(Number(p.smsMsgId)) : undefined;
      if (!kept) return ccError(404, 'SMS_NOT_FOUND', `no message ${p.smsMsgId}`);
      const { iccid, sms } = kept;
      const mo = sms.direction === 'MO';
      const sent = controlCenterTime(sms.at);
      return json(200, {
        smsMsgId: sms.id,
        status: mo ? 'Received' : 'Delivered',
        // The records carry no text: the simulator makes one up, for a client to drop.
        messageText: `simulated message ${sms.id}`,
        senderLogin: mo ? 'Mobile Device' : 'simulator',
        sentTo: mo ? sms.party : msisdnOf(iccid),
        sentFrom: mo ? msisdnOf(iccid) : sms.party,
        msgType: sms.direction,
        dateSent: sent,
        dateReceived: sent,
        dateModified: sent,
        iccid,
      });
    }
    return ccError(404, 'NOT_FOUND', `no route ${method} ${path}`);
  };

  return {
    deliver,
    handle,
    stats: () => {
      let sessions = 0;
      let sms = 0;
      for (const d of devices.values()) (sessions += d.sessions.length), (sms += d.sms.length);
      return { devices: devices.size, sessions, sms, ignored };
    },
  };
};
