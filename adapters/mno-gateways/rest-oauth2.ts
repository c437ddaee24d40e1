import { MnoPermanentError, type MnoGateway, type SimStateAtMno } from '../../application/ports/mno-gateway.ts';
import { cmpFetch, errorForStatus, excerpt, jsonOf } from './cmp-http.ts';
import { flatten, unflatten, type FlatPolicy } from './flat-policy.ts';

interface RestProfile {
  apnAllowList?: string[];
  ipAllowList?: FlatPolicy['destinations'];
  internetBreakout?: boolean;
  smsMoAllowList?: string[];
  smsMtAllowList?: string[];
  roamingCountries?: string[];
  roamingPlmns?: string[];
  imeiLock?: boolean;
  dataCapMb?: number;
  smsCap?: number;
  vpn?: { peerIp: string; subnets: string[]; secretRef: string } | null;
}

const toRest = (f: FlatPolicy): RestProfile => ({
  apnAllowList: f.apns,
  ipAllowList: f.destinations,
  internetBreakout: f.breakout,
  smsMoAllowList: f.smsMo,
  smsMtAllowList: f.smsMt,
  roamingCountries: f.countries,
  roamingPlmns: f.plmns,
  imeiLock: f.imeiLock,
  dataCapMb: f.dataCapMb,
  smsCap: f.smsCap,
  vpn: f.vpn && { peerIp: f.vpn.peer, subnets: f.vpn.subnets, secretRef: f.vpn.secretRef },
});

const fromRest = (r: RestProfile): FlatPolicy => ({
  apns: r.apnAllowList,
  destinations: r.ipAllowList,
  breakout: r.internetBreakout,
  smsMo: r.smsMoAllowList,
  smsMt: r.smsMtAllowList,
  countries: r.roamingCountries,
  plmns: r.roamingPlmns,
  imeiLock: r.imeiLock,
  dataCapMb: r.dataCapMb,
  smsCap: r.smsCap,
  vpn: r.vpn ? { peer: r.vpn.peerIp, subnets: r.vpn.subnets, secretRef: r.vpn.secretRef } : undefined,
});

const STATES: Record<SimStateAtMno, string> = { active: 'ACTIVE', suspended: 'SUSPENDED', terminated: 'DEACTIVATED', quarantined: 'RESTRICTED' };

/**
 * Synchronous REST CMPs with OAuth2 client credentials: a token is fetched with HTTP Basic and
 * kept until shortly before it expires; a 401 on a kept token fetches a new one once.
 */
export const restOauth2Gateway = (mno: string, endpoint: string, credentials: Record<string, string>): MnoGateway => {
  let token: { value: string; until: number } | undefined;

  const fetchToken = async () => {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const res = await cmpFetch(mno, `${endpoint}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (!res.ok) throw errorForStatus(mno, res.status, res.status === 401 ? 'the CMP refused our client credentials' : await excerpt(res));
    const body = await jsonOf<{ access_token: string; expires_in: number }>(mno, res);
    token = { value: body.access_token, until: Date.now() + (body.expires_in - 30) * 1000 };
    return token.value;
  };

  const call = async (method: string, path: string, body?: unknown, retried = false): Promise<Response> => {
    const bearer = token && token.until > Date.now() ? token.value : await fetchToken();
    const res = await cmpFetch(mno, endpoint + path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401 && !retried) {
      token = undefined;
      return call(method, path, body, true);
    }
    return res;
  };

  const expectOk = async (res: Response) => {
    if (!res.ok) throw errorForStatus(mno, res.status, await excerpt(res));
    return res;
  };

  return {
    async applyPolicy(profileId, policy) {
      await expectOk(await call('PUT', `/v1/policy-profiles/${encodeURIComponent(profileId)}`, toRest(flatten(policy))));
      return { done: true };
    },
    async setSimState(iccid, state, restriction) {
      // RESTRICTED: the SIM stays attached, held to the rules it is given (a per-SIM profile).
      await expectOk(await call('PUT', `/v1/sims/${iccid}/status`, { status: STATES[state], ...(state === 'quarantined' && restriction && { restriction: toRest(flatten(restriction)) }) }));
      return { done: true };
    },
    jobStatus: async () => {
      throw new MnoPermanentError(`${mno} has no jobs: its API is synchronous`);
    },
    async readPolicy(profileId) {
      const res = await call('GET', `/v1/policy-profiles/${encodeURIComponent(profileId)}`);
      if (res.status === 404) return undefined;
      return unflatten(fromRest(await jsonOf<RestProfile>(mno, await expectOk(res))));
    },
    async readSimState(iccid) {
      const res = await call('GET', `/v1/sims/${iccid}`);
      if (res.status === 404) return undefined;
      const { status } = await jsonOf<{ status: string }>(mno, await expectOk(res));
      return (Object.entries(STATES).find(([, s]) => s === status)?.[0] as SimStateAtMno | undefined) ?? undefined;
    },
  };
};
