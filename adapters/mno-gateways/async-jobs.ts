import { MnoJobFailed, MnoPermanentError, type MnoGateway } from '../../application/ports/mno-gateway.ts';
import { cmpFetch, errorCode, errorForStatus, excerpt, jsonOf } from './cmp-http.ts';
import { flatten, unflatten, type FlatPolicy } from './flat-policy.ts';

interface JobSpec {
  apn_allow_list?: string[];
  ip_allow_list?: FlatPolicy['destinations'];
  internet_breakout?: boolean;
  sms_mo_allow_list?: string[];
  sms_mt_allow_list?: string[];
  roaming_countries?: string[];
  roaming_plmns?: string[];
  imei_lock?: boolean;
  data_cap_mb?: number;
  sms_cap?: number;
  vpn?: { peer_ip: string; subnets: string[]; secret_ref: string } | null;
}

const toSpec = (f: FlatPolicy): JobSpec => ({
  apn_allow_list: f.apns,
  ip_allow_list: f.destinations,
  internet_breakout: f.breakout,
  sms_mo_allow_list: f.smsMo,
  sms_mt_allow_list: f.smsMt,
  roaming_countries: f.countries,
  roaming_plmns: f.plmns,
  imei_lock: f.imeiLock,
  data_cap_mb: f.dataCapMb,
  sms_cap: f.smsCap,
  vpn: f.vpn && { peer_ip: f.vpn.peer, subnets: f.vpn.subnets, secret_ref: f.vpn.secretRef },
});

const fromSpec = (s: JobSpec): FlatPolicy => ({
  apns: s.apn_allow_list,
  destinations: s.ip_allow_list,
  breakout: s.internet_breakout,
  smsMo: s.sms_mo_allow_list,
  smsMt: s.sms_mt_allow_list,
  countries: s.roaming_countries,
  plmns: s.roaming_plmns,
  imeiLock: s.imei_lock,
  dataCapMb: s.data_cap_mb,
  smsCap: s.sms_cap,
  vpn: s.vpn ? { peer: s.vpn.peer_ip, subnets: s.vpn.subnets, secretRef: s.vpn.secret_ref } : undefined,
});

/** CMPs that take every write as a job (202 + jobId) and confirm it later: the workflow polls. */
export const asyncJobsGateway = (mno: string, endpoint: string, credentials: Record<string, string>): MnoGateway => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await cmpFetch(mno, endpoint + path, {
      method,
      headers: { 'x-api-key': credentials.apiKey ?? '', ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok && res.status !== 404) throw errorForStatus(mno, res.status, res.status === 401 ? 'the CMP refused our API key' : await excerpt(res));
    return res;
  };

  const submit = async (job: unknown) => {
    const res = await call('POST', '/api/jobs', job);
    if (res.status === 404) throw new MnoPermanentError(`${mno} has no job API at ${endpoint}`);
    return { done: false as const, jobId: (await jsonOf<{ jobId: string }>(mno, res)).jobId };
  };

  return {
    applyPolicy: (profileId, policy) => submit({ kind: 'policy.apply', target: profileId, spec: toSpec(flatten(policy)) }),
    setSimState: (iccid, state, restriction) => submit({ kind: 'sim.state', target: iccid, spec: { state, ...(state === 'quarantined' && restriction && { restriction: toSpec(flatten(restriction)) }) } }),
    async jobStatus(jobId) {
      const res = await call('GET', `/api/jobs/${encodeURIComponent(jobId)}`);
      // A job the CMP no longer knows (expired, or its store was reset): the change is submitted again, not given up.
      if (res.status === 404) throw new MnoJobFailed(`${mno} does not know job ${jobId}`);
      const job = await jsonOf<{ status: string; error?: { code: string; message: string; retryable: boolean } }>(mno, res);
      if (job.status === 'DONE') return 'done';
      if (job.status !== 'FAILED') return 'pending';
      const message = `${mno} job failed: ${errorCode(job.error?.code) ?? 'unknown'}`;
      throw job.error?.retryable ? new MnoJobFailed(message) : new MnoPermanentError(message);
    },
    async readPolicy(profileId) {
      const res = await call('GET', `/api/profiles/${encodeURIComponent(profileId)}`);
      if (res.status === 404) return undefined;
      return unflatten(fromSpec((await jsonOf<{ spec: JobSpec }>(mno, res)).spec));
    },
    async readSimState(iccid) {
      const res = await call('GET', `/api/sims/${iccid}`);
      if (res.status === 404) return undefined;
      return (await jsonOf<{ state: 'active' | 'suspended' | 'terminated' | 'quarantined' }>(mno, res)).state;
    },
  };
};
