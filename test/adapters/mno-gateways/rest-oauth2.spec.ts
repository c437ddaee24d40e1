import { afterEach, describe, expect, it, vi } from 'vitest';
import { restOauth2Gateway } from '../../../adapters/mno-gateways/rest-oauth2.ts';
import { MnoPermanentError, MnoTransientError } from '../../../application/ports/mno-gateway.ts';
import { expectFailure } from './expect-failure.ts';
import { expectSimStatesRoundTrip } from './sim-states.ts';
import { BAD_PROFILE_ID, CREDENTIALS, ICCID, MNO, POLICY, PROFILE_ID, SMALL_POLICY, UNKNOWN_ICCID, WRONG_CREDENTIALS } from './inputs.ts';
import { answeredWith, noCalls, replaying, requestLines, type Replay } from './replay-server.ts';

const STYLE = 'rest-oauth2';
const basic = (c: { clientId: string; clientSecret: string }) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
const gateway = (cmp: Replay, credentials: { clientId: string; clientSecret: string } = CREDENTIALS[STYLE]) => restOauth2Gateway(MNO, cmp.url, credentials);
const body = (cmp: Replay, index: number) => {
  const response = cmp.recording.exchanges[index]!.response;
  return 'body' in response ? response.body : undefined;
};
const SECRETS = [...Object.values(CREDENTIALS[STYLE]), ...Object.values(WRONG_CREDENTIALS[STYLE]), basic(CREDENTIALS[STYLE]), 'fake-access-token'];
const TOKEN = 'POST /oauth2/token';

afterEach(() => void vi.useRealTimers());

describe('rest-oauth2 adapter against recorded CMP payloads', () => {
  it('applies a policy as one camelCase profile PUT, with a token fetched over HTTP Basic first', async () => {
    const cmp = await replaying('rest-oauth2.apply-policy');
    expect(await gateway(cmp).applyPolicy(PROFILE_ID, POLICY)).toEqual({ done: true });
    const [token, put] = cmp.recording.exchanges.map((e) => e.request);
    expect(token).toEqual({ method: 'POST', path: '/oauth2/token', headers: { authorization: basic(CREDENTIALS[STYLE]), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(put).toMatchObject({ method: 'PUT', path: `/v1/policy-profiles/${PROFILE_ID}`, headers: { authorization: 'Bearer fake-access-token-1', 'content-type': 'application/json' } });
    // The whole body must equal the recording's (the replay server checks it), which the simulated CMP's schema took; here, its shape.
    expect(put!.body).toMatchObject({ apnAllowList: POLICY.data!.apns, internetBreakout: false, roamingCountries: POLICY.roaming!.countries, imeiLock: true, dataCapMb: 500, vpn: { peerIp: '203.0.113.10' } });
  });

  it('reads a profile back into Switchboard’s model, reusing its token; a profile the CMP lacks is undefined', async () => {
    const cmp = await replaying('rest-oauth2.read-policy');
    const mno = gateway(cmp);
    expect(await mno.readPolicy(PROFILE_ID)).toEqual(POLICY);
    expect(await mno.readPolicy('acme.unknown')).toBeUndefined();
    expect(requestLines(cmp.recording)).toEqual([TOKEN, `GET /v1/policy-profiles/${PROFILE_ID}`, 'GET /v1/policy-profiles/acme.unknown']);
  });

  it('sets each SIM state (ACTIVE, SUSPENDED, DEACTIVATED) and reads it back; a SIM the CMP lacks is undefined', async () => {
    const cmp = await replaying('rest-oauth2.sim-state');
    const mno = gateway(cmp);
    await expectSimStatesRoundTrip(mno);
    const puts = cmp.recording.exchanges.filter((e) => e.request.method === 'PUT');
    expect(puts.map((e) => [e.request.path, e.request.body])).toEqual(['ACTIVE', 'SUSPENDED', 'DEACTIVATED'].map((status) => [`/v1/sims/${ICCID}/status`, { status }]));
  });

  it('fetches a new token once the kept one is within 30 s of expiring', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cmp = await replaying('rest-oauth2.token-expiry');
    const mno = gateway(cmp);
    expect(body(cmp, 0)).toMatchObject({ expires_in: 31 });
    await mno.readSimState(UNKNOWN_ICCID);
    vi.setSystemTime(Date.now() + 1_500);
    await mno.readSimState(UNKNOWN_ICCID);
    expect(requestLines(cmp.recording)).toEqual([TOKEN, `GET /v1/sims/${UNKNOWN_ICCID}`, TOKEN, `GET /v1/sims/${UNKNOWN_ICCID}`]);
  });

  it('answers a 401 on its kept token by fetching a fresh token and repeating the call, once', async () => {
    const cmp = await replaying('rest-oauth2.token-rejected');
    const mno = gateway(cmp);
    expect(await mno.readSimState(UNKNOWN_ICCID)).toBeUndefined();
    expect(await mno.readSimState(UNKNOWN_ICCID)).toBeUndefined();
    expect(cmp.recording.exchanges.map((e) => e.request.headers.authorization?.split(' ')[1])).toEqual([
      expect.any(String), 'fake-access-token-1', 'fake-access-token-1', expect.any(String), 'fake-access-token-2',
    ]);
  });

  it('gives up on a second 401 in a row (even on a token just fetched): permanent, naming only the problem type', async () => {
    const cmp = await replaying('rest-oauth2.token-rejected-twice');
    await expectFailure(gateway(cmp).setSimState(ICCID, 'active'), MnoPermanentError, { code: '/problems/unauthorized', answer: body(cmp, 1), secrets: SECRETS });
    expect(requestLines(cmp.recording)).toEqual([TOKEN, `PUT /v1/sims/${ICCID}/status`, TOKEN, `PUT /v1/sims/${ICCID}/status`]);
  });

  it('client credentials the CMP refuses are a permanent error that names neither them nor the CMP’s answer', async () => {
    const cmp = await replaying('rest-oauth2.wrong-credentials');
    const error = await expectFailure(gateway(cmp, WRONG_CREDENTIALS[STYLE]).readSimState(ICCID), MnoPermanentError, { answer: body(cmp, 0), secrets: SECRETS });
    expect(error.message).toBe(`${MNO} refused the request (401): the CMP refused our client credentials`);
  });

  it('a refusal (400, 422, 409) is permanent, naming the problem type and never its detail', async () => {
    const cmp = await replaying('rest-oauth2.refused');
    const mno = gateway(cmp);
    await expectFailure(mno.applyPolicy(BAD_PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: '(400): /problems/invalid-profile-id', answer: body(cmp, 1), secrets: SECRETS });
    await expectFailure(mno.applyPolicy(PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: '(422): /problems/policy-rejected', answer: body(cmp, 2), secrets: SECRETS });
    await expectFailure(mno.setSimState(ICCID, 'active'), MnoPermanentError, { code: '(409): /problems/sim-deactivated', answer: body(cmp, 3), secrets: SECRETS });
    expect(cmp.recording.exchanges[1]!.request.path).toBe('/v1/policy-profiles/acme%20fleet');
  });

  it('a 503, on the token request or on the call, is asked again after a pause, up to twice; one that persists is transient', async () => {
    const cmp = await replaying('rest-oauth2.unavailable');
    const mno = gateway(cmp);
    // The token request answered 503, then a token: the call goes on.
    expect(await mno.readSimState(UNKNOWN_ICCID)).toBeUndefined();
    // Three 503s to the same PUT (the replay fails on a fourth request, or a missing one).
    await expectFailure(mno.applyPolicy(PROFILE_ID, SMALL_POLICY), MnoTransientError, { code: '503: /problems/service-unavailable', answer: body(cmp, 5), secrets: SECRETS });
  });

  it('a 429 is transient; the adapter does not retry it itself', async () => {
    const cmp = await replaying('rest-oauth2.throttled');
    const mno = gateway(cmp);
    await mno.readSimState(UNKNOWN_ICCID);
    await expectFailure(mno.applyPolicy(PROFILE_ID, SMALL_POLICY), MnoTransientError, { code: '429: throttled', secrets: SECRETS });
  });

  it('a connection the CMP drops is transient', async () => {
    const cmp = await replaying('rest-oauth2.outage');
    const mno = gateway(cmp);
    await mno.readSimState(UNKNOWN_ICCID);
    await expectFailure(mno.setSimState(ICCID, 'suspended'), MnoTransientError, { code: 'could not be reached', secrets: SECRETS });
  });

  describe('classifies every status by the port’s rule (the recorded 429 answered with another status)', () => {
    for (const status of [408, 429, 500, 502, 503, 504])
      it(`${status} is transient`, async () => {
        const cmp = await replaying('rest-oauth2.throttled', answeredWith(status));
        const mno = gateway(cmp);
        await mno.readSimState(UNKNOWN_ICCID);
        await expectFailure(mno.applyPolicy(PROFILE_ID, SMALL_POLICY), MnoTransientError, { code: `${status}: throttled`, secrets: SECRETS });
      });
    for (const status of [400, 403, 404, 409, 422])
      it(`${status} is permanent`, async () => {
        const cmp = await replaying('rest-oauth2.throttled', answeredWith(status));
        const mno = gateway(cmp);
        await mno.readSimState(UNKNOWN_ICCID);
        await expectFailure(mno.applyPolicy(PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: `(${status}): throttled`, secrets: SECRETS });
      });
  });

  it('has no jobs: jobStatus is permanent and calls nothing', async () => {
    const cmp = await replaying(noCalls(STYLE));
    await expectFailure(gateway(cmp).jobStatus('any'), MnoPermanentError, { secrets: SECRETS });
  });
});
