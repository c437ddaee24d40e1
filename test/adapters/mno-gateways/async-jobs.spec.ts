import { describe, expect, it } from 'vitest';
import { asyncJobsGateway } from '../../../adapters/mno-gateways/async-jobs.ts';
import { MnoJobFailed, MnoPermanentError, MnoTransientError } from '../../../application/ports/mno-gateway.ts';
import { expectFailure } from './expect-failure.ts';
import { BAD_PROFILE_ID, CREDENTIALS, ICCID, MNO, POLICY, PROFILE_ID, SMALL_POLICY, UNKNOWN_ICCID, WRONG_CREDENTIALS } from './inputs.ts';
import { answeredWith, replaying, requestLines, type Replay } from './replay-server.ts';

const STYLE = 'async-jobs';
const gateway = (cmp: Replay, credentials: { apiKey: string } = CREDENTIALS[STYLE]) => asyncJobsGateway(MNO, cmp.url, credentials);
const body = (cmp: Replay, index: number) => {
  const response = cmp.recording.exchanges[index]!.response;
  return 'body' in response ? response.body : undefined;
};
const jobIdOf = (cmp: Replay, index = 0) => (body(cmp, index) as { jobId: string }).jobId;
const SECRETS = [...Object.values(CREDENTIALS[STYLE]), ...Object.values(WRONG_CREDENTIALS[STYLE])];
const KEY = { 'x-api-key': CREDENTIALS[STYLE].apiKey };

describe('async-jobs adapter against recorded CMP payloads', () => {
  it('applies a policy as a policy.apply job with a snake_case spec, and polls it pending, pending, done', async () => {
    const cmp = await replaying('async-jobs.apply-policy');
    const mno = gateway(cmp);
    const jobId = jobIdOf(cmp);
    expect(await mno.applyPolicy(PROFILE_ID, POLICY)).toEqual({ done: false, jobId });
    expect([await mno.jobStatus(jobId), await mno.jobStatus(jobId), await mno.jobStatus(jobId)]).toEqual(['pending', 'pending', 'done']);
    expect([1, 2, 3].map((i) => (body(cmp, i) as { status: string }).status)).toEqual(['QUEUED', 'RUNNING', 'DONE']);
    const submitted = cmp.recording.exchanges[0]!.request;
    expect(submitted).toMatchObject({ method: 'POST', path: '/api/jobs', headers: { ...KEY, 'content-type': 'application/json' } });
    // The whole body must equal the recording's (the replay server checks it), which the simulated CMP's schema took; here, its shape.
    expect(submitted.body).toMatchObject({ kind: 'policy.apply', target: PROFILE_ID, spec: { apn_allow_list: POLICY.data!.apns, internet_breakout: false, roaming_countries: POLICY.roaming!.countries, imei_lock: true, data_cap_mb: 500, vpn: { peer_ip: '203.0.113.10' } } });
    expect(cmp.recording.exchanges[1]!.request).toEqual({ method: 'GET', path: `/api/jobs/${jobId}`, headers: KEY });
  });

  it('reads a profile’s spec back into Switchboard’s model; a profile the CMP lacks is undefined', async () => {
    const cmp = await replaying('async-jobs.read-policy');
    const mno = gateway(cmp);
    expect(await mno.readPolicy(PROFILE_ID)).toEqual(POLICY);
    expect(await mno.readPolicy('acme.unknown')).toBeUndefined();
    expect(body(cmp, 0)).toMatchObject({ profile_id: PROFILE_ID, version: 1, spec: { roaming_plmns: ['262-01', '310-260'] } });
  });

  it('sets each SIM state as a sim.state job, done on the first poll, and reads it back; a SIM the CMP lacks is undefined', async () => {
    const cmp = await replaying('async-jobs.sim-state');
    const mno = gateway(cmp);
    for (const [i, state] of (['active', 'suspended', 'terminated'] as const).entries()) {
      const jobId = jobIdOf(cmp, 3 * i);
      expect(await mno.setSimState(ICCID, state)).toEqual({ done: false, jobId });
      expect(cmp.recording.exchanges[3 * i]!.request.body).toEqual({ kind: 'sim.state', target: ICCID, spec: { state } });
      expect(await mno.jobStatus(jobId)).toBe('done');
      expect(await mno.readSimState(ICCID)).toBe(state);
    }
    expect(await mno.readSimState(UNKNOWN_ICCID)).toBeUndefined();
    expect(requestLines(cmp.recording).at(-1)).toBe(`GET /api/sims/${UNKNOWN_ICCID}`);
  });

  it('a job FAILED as retryable is MnoJobFailed (transient: submit again), naming only the job’s error code', async () => {
    const cmp = await replaying('async-jobs.job-failed-retryable');
    const mno = gateway(cmp);
    const { jobId } = (await mno.setSimState(ICCID, 'active')) as { jobId: string };
    const error = await expectFailure(mno.jobStatus(jobId), MnoJobFailed, { code: 'NETWORK_TIMEOUT', answer: body(cmp, 1), secrets: SECRETS });
    expect(error).toBeInstanceOf(MnoTransientError);
    expect(error.message).toBe(`${MNO} job failed: NETWORK_TIMEOUT`);
  });

  it('a job FAILED as not retryable is permanent; a job the CMP does not know (404) is a failed job, submitted again', async () => {
    const cmp = await replaying('async-jobs.job-failed-permanent');
    const mno = gateway(cmp);
    const { jobId } = (await mno.applyPolicy(PROFILE_ID, SMALL_POLICY)) as { jobId: string };
    const failed = await expectFailure(mno.jobStatus(jobId), MnoPermanentError, { code: 'job failed: POLICY_REJECTED', answer: body(cmp, 1), secrets: SECRETS });
    expect(failed).not.toBeInstanceOf(MnoTransientError);
    await expectFailure(mno.jobStatus('00000000-0000-4000-8000-000000000000'), MnoJobFailed, { code: 'does not know job', answer: body(cmp, 2), secrets: SECRETS });
  });

  it('an API key the CMP refuses is a permanent error that names neither it nor the CMP’s answer', async () => {
    const cmp = await replaying('async-jobs.wrong-credentials');
    const error = await expectFailure(gateway(cmp, WRONG_CREDENTIALS[STYLE]).setSimState(ICCID, 'active'), MnoPermanentError, { answer: body(cmp, 0), secrets: SECRETS });
    expect(error.message).toBe(`${MNO} refused the request (401): the CMP refused our API key`);
  });

  it('a job the CMP refuses to take (400) is permanent, naming its error code and never its message or details', async () => {
    const cmp = await replaying('async-jobs.refused');
    await expectFailure(gateway(cmp).applyPolicy(BAD_PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: '(400): INVALID_REQUEST', answer: body(cmp, 0), secrets: SECRETS });
  });

  it('a 503 is asked again after a pause (the submission is taken the second time); a poll answered 503 three times is transient, and the job polls on afterwards', async () => {
    const cmp = await replaying('async-jobs.unavailable');
    const mno = gateway(cmp);
    const { jobId } = (await mno.applyPolicy(PROFILE_ID, SMALL_POLICY)) as { jobId: string };
    await expectFailure(mno.jobStatus(jobId), MnoTransientError, { code: '503: UNAVAILABLE', answer: body(cmp, 4), secrets: SECRETS });
    expect(await mno.jobStatus(jobId)).toBe('pending');
  });

  it('a 429 is transient', async () => {
    const cmp = await replaying('async-jobs.throttled');
    await expectFailure(gateway(cmp).readSimState(ICCID), MnoTransientError, { code: '429: throttled', secrets: SECRETS });
  });

  it('a connection the CMP drops is transient', async () => {
    const cmp = await replaying('async-jobs.outage');
    await expectFailure(gateway(cmp).setSimState(ICCID, 'suspended'), MnoTransientError, { code: 'could not be reached', secrets: SECRETS });
  });

  describe('classifies every status by the port’s rule (the recorded 400 answered with another status)', () => {
    // (503 is asked again, which a one-exchange recording cannot answer: its recording is `unavailable`, above.)
    for (const status of [408, 429, 500, 502, 504])
      it(`${status} is transient`, async () => {
        const cmp = await replaying('async-jobs.refused', answeredWith(status));
        await expectFailure(gateway(cmp).applyPolicy(BAD_PROFILE_ID, SMALL_POLICY), MnoTransientError, { code: `${status}: INVALID_REQUEST`, answer: body(cmp, 0), secrets: SECRETS });
      });
    for (const status of [403, 409, 422])
      it(`${status} is permanent`, async () => {
        const cmp = await replaying('async-jobs.refused', answeredWith(status));
        await expectFailure(gateway(cmp).applyPolicy(BAD_PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: `(${status}): INVALID_REQUEST`, answer: body(cmp, 0), secrets: SECRETS });
      });
    it('404 on submitting is permanent: no job API there', async () => {
      const cmp = await replaying('async-jobs.refused', answeredWith(404));
      await expectFailure(gateway(cmp).applyPolicy(BAD_PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: 'has no job API', answer: body(cmp, 0), secrets: SECRETS });
    });
  });
});
