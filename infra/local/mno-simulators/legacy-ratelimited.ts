import { randomBytes } from 'node:crypto';
import type { FaultState } from './faults.ts';
import { json, parseJson, type CmpApi, type CmpReply } from './http.ts';
import { basicAuth, randomSecret, sameSecret } from './credentials.ts';
import { parseServiceProfile } from './legacy-fields.ts';
import { isIccid, isProfileId } from './policy-fields.ts';
import { TokenBucket } from './token-bucket.ts';

const ok = (fields: Record<string, string> = {}) => json(200, { RESULT: 'OK', ...fields });
/** Legacy CMPs answer application errors with HTTP 200 and a code: E4xx permanent, BUSY transient. */
const err = (code: string, text: string, status = 200) => json(status, { RESULT: 'ERR', CODE: code, TEXT: text });

/** Drift: the network turns breakout back on, or (if it was on) grows an APN. */
const drifted = (f: Record<string, string>): Record<string, string> =>
  f.BREAKOUT === 'Y' ? { ...f, APN_LIST: f.APN_LIST ? `${f.APN_LIST}|internet` : 'internet' } : { ...f, BREAKOUT: 'Y' };

/** A active, S suspended, T terminated, R restricted (held to the service profile given with it). */
const STATUSES = ['A', 'S', 'T', 'R'];

/**
 * The legacy style: RPC over `POST /ws/<Service>.<operation>`, HTTP Basic, UPPER_SNAKE bodies
 * with flattened string values, errors inside HTTP 200, and its own per-credential rate limit.
 */
export const legacyRateLimitedApi = (options: { faults: FaultState; ratePerSecond: number }) => {
  const { faults, ratePerSecond } = options;
  const credentials = { username: `api_${randomBytes(4).toString('hex')}`, password: randomSecret() };
  const buckets = new Map<string, TokenBucket>();
  const profiles = new Map<string, { fields: Record<string, string>; version: number }>();
  const sims = new Map<string, string>();
  /** The service profile each restricted subscriber is held to. */
  const restrictions = new Map<string, unknown>();

  const operations: Record<string, (body: Record<string, unknown>) => CmpReply> = {
    'ServiceProfile.set': (body) => {
      const id = body.PROFILE_ID;
      if (typeof id !== 'string' || !isProfileId(id)) return err('E400', 'PROFILE_ID missing or invalid');
      const parsed = parseServiceProfile(body);
      if ('error' in parsed) return err('E400', parsed.error);
      if (faults.current.reject) return err('E400', 'service profile refused by network policy');
      const version = (profiles.get(id)?.version ?? 0) + 1;
      profiles.set(id, { fields: faults.current.drift ? drifted(parsed.fields) : parsed.fields, version });
      return ok({ PROFILE_ID: id, VERSION: String(version) });
    },
    'ServiceProfile.get': (body) => {
      const id = body.PROFILE_ID;
      const stored = typeof id === 'string' ? profiles.get(id) : undefined;
      if (!stored) return err('E404', 'no such service profile');
      return ok({ PROFILE_ID: id as string, VERSION: String(stored.version), ...stored.fields });
    },
    'Subscriber.setStatus': ({ ICCID, STATUS, PROFILE_ID }) => {
      if (typeof ICCID !== 'string' || !isIccid(ICCID)) return err('E400', 'ICCID missing or invalid');
      if (typeof STATUS !== 'string' || !STATUSES.includes(STATUS)) return err('E400', 'STATUS must be A, S, T or R');
      if (STATUS === 'R' && (typeof PROFILE_ID !== 'string' || !profiles.has(PROFILE_ID))) return err('E400', 'R holds the subscriber to a PROFILE_ID set before');
      if (sims.get(ICCID) === 'T' && STATUS !== 'T') return err('E409', 'subscriber is terminated');
      sims.set(ICCID, STATUS);
      if (STATUS === 'R') restrictions.set(ICCID, PROFILE_ID);
      else restrictions.delete(ICCID);
      return ok({ ICCID, STATUS });
    },
    'Subscriber.get': ({ ICCID }) => {
      const status = typeof ICCID === 'string' ? sims.get(ICCID) : undefined;
      return status ? ok({ ICCID: ICCID as string, STATUS: status }) : err('E404', 'no such subscriber');
    },
  };

  /** Calls refused for the rate (429): what a client that keeps under the rate never sees. */
  let throttled = 0;
  const api: CmpApi = {
    handle({ method, path, headers, body }) {
      const name = path.startsWith('/ws/') ? path.slice(4) : '';
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation) return err('E404', 'unknown service', 404);
      if (method !== 'POST') return { ...err('E405', 'use POST', 405), headers: { allow: 'POST' } };
      const user = basicAuth(headers.authorization);
      if (!user || !sameSecret(user.user, credentials.username) || !sameSecret(user.password, credentials.password))
        return { ...err('E401', 'authentication failed', 401), headers: { 'www-authenticate': 'Basic realm="ws"' } };
      let bucket = buckets.get(user.user);
      if (!bucket) buckets.set(user.user, (bucket = new TokenBucket(ratePerSecond)));
      const wait = bucket.take();
      if (wait > 0) {
        throttled++;
        return { ...err('RATE_LIMIT', 'too many requests', 429), headers: { 'retry-after': String(Math.max(1, Math.ceil(wait))) } };
      }
      const parsed = parseJson(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err('E400', 'body must be a JSON object');
      return operation(parsed as Record<string, unknown>);
    },
    transient: () => err('BUSY', 'system busy, retry later'),
    held: { profiles, sims, restrictions } as CmpApi['held'],
    state: () => ({
      profiles: Object.fromEntries([...profiles].map(([id, { fields }]) => [id, fields])),
      sims: Object.fromEntries(sims),
      restrictions: Object.fromEntries(restrictions),
      throttled,
    }),
  };
  return { api, credentials };
};
