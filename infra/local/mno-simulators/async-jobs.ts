import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { FaultState } from './faults.ts';
import { json, matchPath, parseJson, type CmpApi, type CmpReply } from './http.ts';
import { randomSecret, sameSecret } from './credentials.ts';
import { Apn, Cap, Cidr, Country, E164Prefix, IpAddress, issuesOf, isIccid, isProfileId, Plmn, PortList, Protocol } from './policy-fields.ts';

/** A policy profile as the job-based CMP takes it: snake_case, every rule optional. */
export const JobPolicySpec = z.strictObject({
  apn_allow_list: z.array(Apn).optional(),
  ip_allow_list: z.array(z.strictObject({ cidr: Cidr, ports: PortList, protocol: Protocol })).optional(),
  internet_breakout: z.boolean().optional(),
  sms_mo_allow_list: z.array(E164Prefix).optional(),
  sms_mt_allow_list: z.array(E164Prefix).optional(),
  roaming_countries: z.array(Country).optional(),
  roaming_plmns: z.array(Plmn).optional(),
  imei_lock: z.boolean().optional(),
  data_cap_mb: Cap.optional(),
  sms_cap: Cap.optional(),
  vpn: z.strictObject({ peer_ip: IpAddress, subnets: z.array(Cidr), secret_ref: z.string().min(1) }).nullable().optional(),
});
export type JobPolicySpec = z.infer<typeof JobPolicySpec>;

const JobRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('policy.apply'), target: z.string().refine(isProfileId, 'not a profile id'), spec: JobPolicySpec }),
  z.strictObject({
    kind: z.literal('sim.state'),
    target: z.string().refine(isIccid, 'not an ICCID (18 to 22 digits)'),
    spec: z.strictObject({ state: z.enum(['active', 'suspended', 'terminated', 'quarantined']), restriction: z.lazy(() => JobPolicySpec).optional() }),
  }),
]);
type JobRequest = z.infer<typeof JobRequest>;

interface JobError {
  code: string;
  message: string;
  retryable: boolean;
}
type Job = JobRequest & { jobId: string; status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED'; reads: number; submittedAt: string; error?: JobError };

const error = (status: number, code: string, message: string, retryable = false, extra: Record<string, unknown> = {}): CmpReply =>
  json(status, { error: { code, message, retryable, ...extra } });

/** Drift: the network turns internet breakout back on, or (if it was on) grows an APN. */
const drifted = (s: JobPolicySpec): JobPolicySpec =>
  s.internet_breakout ? { ...s, apn_allow_list: [...(s.apn_allow_list ?? []), 'internet'] } : { ...s, internet_breakout: true };

/**
 * The asynchronous style: an API key, writes submitted as jobs (202 + jobId) that finish only
 * after `pollsToComplete` status reads, so a client has to poll; the effect is stored on DONE.
 */
export const asyncJobsApi = (options: { faults: FaultState; pollsToComplete: number }) => {
  const { faults } = options;
  const pollsToComplete = Math.max(1, Math.floor(options.pollsToComplete));
  const credentials = { apiKey: randomSecret() };
  const jobs = new Map<string, Job>();
  const profiles = new Map<string, { spec: JobPolicySpec; version: number; updated_at: string }>();
  const sims = new Map<string, string>();
  /** What each quarantined SIM is held to. */
  const restrictions = new Map<string, unknown>();

  /** Runs the job against the "network": the faults in force now decide how it ends. */
  const finish = (job: Job): Pick<Job, 'status' | 'error'> => {
    if (job.kind === 'policy.apply' && faults.current.reject)
      return { status: 'FAILED', error: { code: 'POLICY_REJECTED', message: 'the network refused the policy', retryable: false } };
    if (faults.unlucky()) return { status: 'FAILED', error: { code: 'NETWORK_TIMEOUT', message: 'the network did not confirm in time', retryable: true } };
    if (job.kind === 'sim.state') {
      if (sims.get(job.target) === 'terminated' && job.spec.state !== 'terminated')
        return { status: 'FAILED', error: { code: 'INVALID_STATE_TRANSITION', message: 'a terminated SIM cannot change state', retryable: false } };
      if (job.spec.state === 'quarantined' && !job.spec.restriction)
        return { status: 'FAILED', error: { code: 'INVALID_SPEC', message: 'a quarantined SIM is held to a restriction: give it', retryable: false } };
      sims.set(job.target, job.spec.state);
      if (job.spec.restriction) restrictions.set(job.target, job.spec.restriction);
      else restrictions.delete(job.target);
    } else {
      const version = (profiles.get(job.target)?.version ?? 0) + 1;
      const spec = faults.current.drift ? drifted(job.spec) : job.spec;
      profiles.set(job.target, { spec, version, updated_at: new Date().toISOString() });
    }
    return { status: 'DONE' };
  };

  const readJob = (job: Job): CmpReply => {
    if (job.status === 'QUEUED' || job.status === 'RUNNING') {
      job.reads += 1;
      if (job.reads >= pollsToComplete) Object.assign(job, finish(job));
      else if (job.reads > 1) job.status = 'RUNNING';
    }
    const { jobId, kind, target, status, submittedAt } = job;
    return json(200, { jobId, kind, target, status, submittedAt, ...(job.error && { error: job.error }) });
  };

  const api: CmpApi = {
    handle({ method, path, headers, body }) {
      if (!path.startsWith('/api/')) return error(404, 'NOT_FOUND', `no route ${method} ${path}`);
      const key = headers['x-api-key'];
      if (!sameSecret(typeof key === 'string' ? key : undefined, credentials.apiKey)) return error(401, 'UNAUTHORIZED', 'missing or wrong x-api-key');
      let p: Record<string, string> | undefined;
      if (path === '/api/jobs' && method === 'POST') {
        const parsed = JobRequest.safeParse(parseJson(body));
        if (!parsed.success) return error(400, 'INVALID_REQUEST', 'the job is not valid', false, { details: issuesOf(parsed.error) });
        const jobId = randomUUID();
        jobs.set(jobId, { ...parsed.data, jobId, status: 'QUEUED', reads: 0, submittedAt: new Date().toISOString() });
        return json(202, { jobId }, { location: `/api/jobs/${jobId}` });
      }
      if ((p = matchPath('/api/jobs/{jobId}', path)) && method === 'GET') {
        const job = jobs.get(p.jobId!);
        return job ? readJob(job) : error(404, 'NOT_FOUND', `no job ${p.jobId}`);
      }
      if ((p = matchPath('/api/profiles/{profileId}', path)) && method === 'GET') {
        const stored = profiles.get(p.profileId!);
        return stored ? json(200, { profile_id: p.profileId, ...stored }) : error(404, 'NOT_FOUND', `no profile ${p.profileId}`);
      }
      if ((p = matchPath('/api/sims/{iccid}', path)) && method === 'GET') {
        const state = sims.get(p.iccid!);
        return state ? json(200, { iccid: p.iccid, state }) : error(404, 'NOT_FOUND', `no SIM ${p.iccid}`);
      }
      return error(404, 'NOT_FOUND', `no route ${method} ${path}`);
    },
    transient: () => error(503, 'UNAVAILABLE', 'the platform is temporarily unavailable', true),
    held: { jobs, profiles, sims, restrictions } as CmpApi['held'],
    state: () => ({
      profiles: Object.fromEntries([...profiles].map(([id, { spec }]) => [id, spec])),
      sims: Object.fromEntries(sims),
      restrictions: Object.fromEntries(restrictions),
    }),
  };
  return { api, credentials };
};
