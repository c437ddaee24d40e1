import { MnoPermanentError, MnoTransientError, type MnoGateway, type SimStateAtMno } from '../../application/ports/mno-gateway.ts';
import { cmpFetch, errorCode, errorForStatus, excerpt, jsonOf } from './cmp-http.ts';
import { flatten, unflatten, type FlatPolicy } from './flat-policy.ts';

const yn = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'Y' : 'N');
const list = (items: string[] | undefined, separator: string) => items?.join(separator);
const items = (text: string | undefined, separator: string) => (text === undefined ? undefined : text === '' ? [] : text.split(separator));
const plmnDigits = (plmn: string) => plmn.replace('-', '');
const plmnDashed = (digits: string) => `${digits.slice(0, 3)}-${digits.slice(3)}`;

/** Flat rules → the legacy CMP's UPPER_SNAKE string fields (only the rules the policy has). */
const toFields = (f: FlatPolicy): Record<string, string | undefined> => ({
  APN_LIST: list(f.apns, '|'),
  FW_RULES: f.destinations?.map((d) => `${d.cidr}:${d.ports}/${d.protocol}`).join(';'),
  BREAKOUT: yn(f.breakout),
  SMS_MO_WL: list(f.smsMo, '|'),
  SMS_MT_WL: list(f.smsMt, '|'),
  ROAM_COUNTRIES: list(f.countries, ','),
  ROAM_PLMNS: f.plmns?.map(plmnDigits).join(','),
  IMEI_LOCK: yn(f.imeiLock),
  DATA_CAP_MB: f.dataCapMb?.toString(),
  SMS_CAP: f.smsCap?.toString(),
  VPN_PEER: f.vpn?.peer,
  VPN_SUBNETS: f.vpn && list(f.vpn.subnets, ','),
  VPN_PSK_REF: f.vpn?.secretRef,
});

const fromFields = (r: Record<string, string | undefined>): FlatPolicy => ({
  apns: items(r.APN_LIST, '|'),
  destinations: items(r.FW_RULES, ';')?.map((rule) => {
    const slash = rule.lastIndexOf('/');
    const colon = rule.lastIndexOf(':', slash);
    return { cidr: rule.slice(0, colon), ports: rule.slice(colon + 1, slash), protocol: rule.slice(slash + 1) as 'tcp' | 'udp' | 'any' };
  }),
  breakout: r.BREAKOUT === undefined ? undefined : r.BREAKOUT === 'Y',
  smsMo: items(r.SMS_MO_WL, '|'),
  smsMt: items(r.SMS_MT_WL, '|'),
  countries: items(r.ROAM_COUNTRIES, ','),
  plmns: items(r.ROAM_PLMNS, ',')?.map(plmnDashed),
  imeiLock: r.IMEI_LOCK === undefined ? undefined : r.IMEI_LOCK === 'Y',
  dataCapMb: r.DATA_CAP_MB ? Number(r.DATA_CAP_MB) : undefined,
  smsCap: r.SMS_CAP ? Number(r.SMS_CAP) : undefined,
  vpn: r.VPN_PEER ? { peer: r.VPN_PEER, subnets: items(r.VPN_SUBNETS, ',') ?? [], secretRef: r.VPN_PSK_REF ?? '' } : undefined,
});

const STATUS: Record<SimStateAtMno, string> = { active: 'A', suspended: 'S', terminated: 'T', quarantined: 'R' };

/**
 * Legacy RPC CMPs: HTTP Basic, errors inside HTTP 200 (`RESULT: ERR`; `BUSY` is transient, E4xx
 * permanent), and a rate limit answered with 429 + Retry-After (transient: the workflow backs off).
 */
export const legacyRateLimitedGateway = (mno: string, endpoint: string, credentials: Record<string, string>): MnoGateway => {
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  const rpc = async (operation: string, body: Record<string, unknown>): Promise<Record<string, string> | undefined> => {
    const res = await cmpFetch(mno, `${endpoint}/ws/${operation}`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw errorForStatus(mno, res.status, res.status === 401 ? 'the CMP refused our credentials' : await excerpt(res));
    const reply = await jsonOf<Record<string, string>>(mno, res);
    if (reply.RESULT === 'OK') return reply;
    if (reply.CODE === 'E404' && operation.endsWith('.get')) return undefined;
    const message = `${mno} answered ${errorCode(reply.CODE) ?? 'ERR'}`;
    throw reply.CODE === 'BUSY' ? new MnoTransientError(message) : new MnoPermanentError(message);
  };
  return {
    async applyPolicy(profileId, policy) {
      await rpc('ServiceProfile.set', { PROFILE_ID: profileId, ...toFields(flatten(policy)) });
      return { done: true };
    },
    async setSimState(iccid, state, restriction) {
      // R (restricted): the subscriber held to a service profile of its own, set first.
      if (state === 'quarantined' && restriction) await rpc('ServiceProfile.set', { PROFILE_ID: `restricted.${iccid}`, ...toFields(flatten(restriction)) });
      await rpc('Subscriber.setStatus', { ICCID: iccid, STATUS: STATUS[state], ...(state === 'quarantined' && restriction && { PROFILE_ID: `restricted.${iccid}` }) });
      return { done: true };
    },
    jobStatus: async () => {
      throw new MnoPermanentError(`${mno} has no jobs: its API is synchronous`);
    },
    async readPolicy(profileId) {
      const reply = await rpc('ServiceProfile.get', { PROFILE_ID: profileId });
      return reply && unflatten(fromFields(reply));
    },
    async readSimState(iccid) {
      const reply = await rpc('Subscriber.get', { ICCID: iccid });
      return reply && (Object.entries(STATUS).find(([, s]) => s === reply.STATUS)?.[0] as SimStateAtMno | undefined);
    },
  };
};
