import { describe, it } from 'vitest';
import { asyncJobsGateway } from '../../../adapters/mno-gateways/async-jobs.ts';
import { legacyRateLimitedGateway } from '../../../adapters/mno-gateways/legacy-ratelimited.ts';
import { restOauth2Gateway } from '../../../adapters/mno-gateways/rest-oauth2.ts';
import { MnoPermanentError, MnoTransientError } from '../../../application/ports/mno-gateway.ts';
import { expectFailure } from './expect-failure.ts';
import { CREDENTIALS, ICCID, MNO, PROFILE_ID, SMALL_POLICY } from './inputs.ts';
import { replaying, type Exchange } from './replay-server.ts';

/**
 * What a CMP answers is not trusted to be what its API promises: whatever it says ends up, at
 * most as an error code, in tenant-visible events (`lastError`), so nothing of its text may pass.
 * Each case is a recorded exchange with its answer replaced.
 */
const OTHER_TENANT = 'globex';
const html = { status: 200, headers: { 'content-type': 'text/html' }, body: `<html>${OTHER_TENANT}.fleet is under maintenance</html>` };
const secrets = Object.values(CREDENTIALS).flatMap((c) => Object.values(c));

/** The first `count` exchanges of a recording, the last of them answered with `response`. */
const cut = (count: number, response: Exchange['response']) => (exchanges: Exchange[]) =>
  exchanges.slice(0, count).map((e, i) => (i === count - 1 ? { ...e, response } : e));

/** The first `count` exchanges, the last one's JSON body changed by `edit`. */
const cutEditing = (count: number, edit: (body: any) => unknown) => (exchanges: Exchange[]) =>
  exchanges.slice(0, count).map((e, i) => (i === count - 1 && 'body' in e.response ? { ...e, response: { ...e.response, body: edit(structuredClone(e.response.body)) } } : e));

describe('an answer that is not JSON (a maintenance page behind a 200)', () => {
  it('rest-oauth2: transient, and nothing of the page is quoted', async () => {
    const cmp = await replaying('rest-oauth2.sim-state', cut(3, html));
    const mno = restOauth2Gateway(MNO, cmp.url, CREDENTIALS['rest-oauth2']);
    await mno.setSimState(ICCID, 'active');
    await expectFailure(mno.readSimState(ICCID), MnoTransientError, { answer: html.body, secrets: [...secrets, OTHER_TENANT] });
  });

  it('async-jobs: transient, and nothing of the page is quoted', async () => {
    const cmp = await replaying('async-jobs.sim-state', cut(3, html));
    const mno = asyncJobsGateway(MNO, cmp.url, CREDENTIALS['async-jobs']);
    const { jobId } = (await mno.setSimState(ICCID, 'active')) as { jobId: string };
    await mno.jobStatus(jobId);
    await expectFailure(mno.readSimState(ICCID), MnoTransientError, { answer: html.body, secrets: [...secrets, OTHER_TENANT] });
  });

  it('legacy-ratelimited: transient, and nothing of the page is quoted', async () => {
    const cmp = await replaying('legacy-ratelimited.sim-state', cut(2, html));
    const mno = legacyRateLimitedGateway(MNO, cmp.url, CREDENTIALS['legacy-ratelimited']);
    await mno.setSimState(ICCID, 'active');
    await expectFailure(mno.readSimState(ICCID), MnoTransientError, { answer: html.body, secrets: [...secrets, OTHER_TENANT] });
  });
});

describe('an error code that is prose, not a code', () => {
  const prose = `REJECTED: profile ${OTHER_TENANT}.fleet of enterprise Globex`;

  it('async-jobs: a failed job’s code is passed on only if it looks like one', async () => {
    const cmp = await replaying('async-jobs.job-failed-permanent', cutEditing(2, (body) => ({ ...body, error: { ...body.error, code: prose } })));
    const mno = asyncJobsGateway(MNO, cmp.url, CREDENTIALS['async-jobs']);
    const { jobId } = (await mno.applyPolicy(PROFILE_ID, SMALL_POLICY)) as { jobId: string };
    await expectFailure(mno.jobStatus(jobId), MnoPermanentError, { answer: prose, secrets: [OTHER_TENANT, 'Globex'] });
  });

  it('legacy-ratelimited: a refusal’s CODE is passed on only if it looks like one', async () => {
    const cmp = await replaying('legacy-ratelimited.refused', cutEditing(1, (body) => ({ ...body, CODE: prose })));
    const mno = legacyRateLimitedGateway(MNO, cmp.url, CREDENTIALS['legacy-ratelimited']);
    await expectFailure(mno.applyPolicy('acme fleet', SMALL_POLICY), MnoPermanentError, { answer: prose, secrets: [OTHER_TENANT, 'Globex'] });
  });
});
