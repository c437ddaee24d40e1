import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnoSimulator, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';

const ICCID = '8944500102198304826';
const spec = {
  apn_allow_list: ['iot.acme'],
  ip_allow_list: [{ cidr: '192.0.2.0/24', ports: '*', protocol: 'any' }],
  internet_breakout: false,
  sms_mo_allow_list: ['+33612'],
  sms_mt_allow_list: [],
  roaming_countries: ['FR'],
  roaming_plmns: ['208-01'],
  imei_lock: false,
  data_cap_mb: 1024,
  sms_cap: null,
  vpn: null,
};

let sim: MnoSimulator;

const call = async (method: string, path: string, body?: unknown, apiKey: string | undefined = sim.credentials.apiKey) => {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...(apiKey && { 'x-api-key': apiKey }), 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
};

/** Polls a job until it ends; returns every status seen. */
const pollToEnd = async (jobId: string) => {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { body } = await call('GET', `/api/jobs/${jobId}`);
    seen.push(body.status);
    if (body.status === 'DONE' || body.status === 'FAILED') return { seen, job: body };
  }
  throw new Error(`job ${jobId} did not end: ${seen.join(' ')}`);
};

beforeAll(async () => {
  sim = await startMnoSimulator({ id: 'jobs', style: 'async-jobs' });
});
afterAll(() => sim?.stop());

describe('async-jobs simulator', () => {
  it('refuses a missing or wrong x-api-key', async () => {
    expect((await call('GET', '/api/sims/' + ICCID, undefined, '')).status).toBe(401);
    const wrong = await call('POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'active' } }, 'wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
  });

  it('applies a profile through a job that needs several polls, then reads it back equal', async () => {
    const submitted = await call('POST', '/api/jobs', { kind: 'policy.apply', target: 'acme-v7', spec });
    expect(submitted.status).toBe(202);
    const { jobId } = submitted.body;
    expect(submitted.headers.get('location')).toBe(`/api/jobs/${jobId}`);
    expect((await call('GET', '/api/profiles/acme-v7')).status).toBe(404);
    const { seen, job } = await pollToEnd(jobId);
    expect(seen).toEqual(['QUEUED', 'RUNNING', 'DONE']);
    expect(job).toMatchObject({ jobId, kind: 'policy.apply', target: 'acme-v7', status: 'DONE' });
    expect(job.error).toBeUndefined();
    const read = await call('GET', '/api/profiles/acme-v7');
    expect(read.body).toMatchObject({ profile_id: 'acme-v7', version: 1 });
    expect(read.body.spec).toEqual(spec);
    expect((await call('GET', `/api/jobs/${jobId}`)).body.status).toBe('DONE');
  });

  it('changes SIM state only when the job is done; terminated is final', async () => {
    const { body } = await call('POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'suspended' } });
    expect(sim.state().sims[ICCID]).toBeUndefined();
    expect((await pollToEnd(body.jobId)).job.status).toBe('DONE');
    expect((await call('GET', `/api/sims/${ICCID}`)).body).toEqual({ iccid: ICCID, state: 'suspended' });
    await pollToEnd((await call('POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'terminated' } })).body.jobId);
    const revive = await call('POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'active' } });
    expect((await pollToEnd(revive.body.jobId)).job.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', retryable: false });
    expect(sim.state().sims[ICCID]).toBe('terminated');
  });

  it('answers 400 for an invalid job and 404 for an unknown one', async () => {
    const bad = await call('POST', '/api/jobs', { kind: 'policy.apply', target: 'p', spec: { roaming_plmns: ['26201'], camelCase: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_REQUEST');
    expect((await call('POST', '/api/jobs', { kind: 'sim.reboot', target: ICCID, spec: {} })).status).toBe(400);
    expect((await call('GET', '/api/jobs/nope')).status).toBe(404);
  });
});
