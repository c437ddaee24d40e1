import { describe, expect, it } from 'vitest';
import { legacyRateLimitedGateway } from '../../../adapters/mno-gateways/legacy-ratelimited.ts';
import { MnoPermanentError, MnoTransientError } from '../../../application/ports/mno-gateway.ts';
import { expectFailure } from './expect-failure.ts';
import { expectSimStatesRoundTrip } from './sim-states.ts';
import { BAD_PROFILE_ID, CREDENTIALS, ICCID, MNO, POLICY, PROFILE_ID, SMALL_POLICY, UNKNOWN_ICCID, WRONG_CREDENTIALS } from './inputs.ts';
import { answeredWith, noCalls, replaying, requestLines, type Replay } from './replay-server.ts';

const STYLE = 'legacy-ratelimited';
const basic = (c: { username: string; password: string }) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
const gateway = (cmp: Replay, credentials: { username: string; password: string } = CREDENTIALS[STYLE]) => legacyRateLimitedGateway(MNO, cmp.url, credentials);
const response = (cmp: Replay, index: number) => cmp.recording.exchanges[index]!.response as { status: number; headers: Record<string, string>; body: Record<string, string> };
const SECRETS = [...Object.values(CREDENTIALS[STYLE]), ...Object.values(WRONG_CREDENTIALS[STYLE]), basic(CREDENTIALS[STYLE]), basic(WRONG_CREDENTIALS[STYLE])];

describe('legacy-ratelimited adapter against recorded CMP payloads', () => {
  it('applies a policy as ServiceProfile.set: UPPER_SNAKE string fields, each list with its separator, over HTTP Basic', async () => {
    const cmp = await replaying('legacy-ratelimited.apply-policy');
    expect(await gateway(cmp).applyPolicy(PROFILE_ID, POLICY)).toEqual({ done: true });
    const [set] = cmp.recording.exchanges.map((e) => e.request);
    expect(set).toMatchObject({ method: 'POST', path: '/ws/ServiceProfile.set', headers: { authorization: basic(CREDENTIALS[STYLE]), 'content-type': 'application/json' } });
    expect(set!.body).toEqual({
      PROFILE_ID,
      APN_LIST: 'iot.acme|iot.backup',
      FW_RULES: '10.0.0.0/8:443,8000-8099/tcp;2001:db8::/32:53/udp;192.0.2.0/24:*/any',
      BREAKOUT: 'N',
      SMS_MO_WL: '+4915112345678|+4930*',
      SMS_MT_WL: '',
      ROAM_COUNTRIES: 'DE,FR',
      ROAM_PLMNS: '26201,310260',
      IMEI_LOCK: 'Y',
      DATA_CAP_MB: '500',
      SMS_CAP: '100',
      VPN_PEER: '203.0.113.10',
      VPN_SUBNETS: '10.20.0.0/16',
      VPN_PSK_REF: 'secret://vpn/acme-site-a',
    });
  });

  it('reads a profile back into Switchboard’s model (IPv6 rules, dashed PLMNs, an empty list); E404 inside a 200 is undefined', async () => {
    const cmp = await replaying('legacy-ratelimited.read-policy');
    const mno = gateway(cmp);
    expect(await mno.readPolicy(PROFILE_ID)).toEqual(POLICY);
    expect(await mno.readPolicy('acme.unknown')).toBeUndefined();
    expect(response(cmp, 1)).toMatchObject({ status: 200, body: { RESULT: 'ERR', CODE: 'E404' } });
    expect(requestLines(cmp.recording)).toEqual(['POST /ws/ServiceProfile.get', 'POST /ws/ServiceProfile.get']);
  });

  it('sets each SIM state as STATUS A, S, T and reads it back; a subscriber the CMP lacks is undefined', async () => {
    const cmp = await replaying('legacy-ratelimited.sim-state');
    const mno = gateway(cmp);
    await expectSimStatesRoundTrip(mno);
    const sets = cmp.recording.exchanges.filter((e) => e.request.path === '/ws/Subscriber.setStatus').map((e) => e.request.body);
    expect(sets).toEqual(['A', 'S', 'T'].map((STATUS) => ({ ICCID, STATUS })));
  });

  it('has no jobs: jobStatus is permanent and calls nothing', async () => {
    const cmp = await replaying(noCalls(STYLE));
    await expectFailure(gateway(cmp).jobStatus('any'), MnoPermanentError, { secrets: SECRETS });
  });

  it('credentials the CMP refuses (HTTP 401) are a permanent error that names neither them nor the CMP’s answer', async () => {
    const cmp = await replaying('legacy-ratelimited.wrong-credentials');
    const error = await expectFailure(gateway(cmp, WRONG_CREDENTIALS[STYLE]).readSimState(ICCID), MnoPermanentError, { answer: response(cmp, 0).body, secrets: SECRETS });
    expect(error.message).toBe(`${MNO} refused the request (401): the CMP refused our credentials`);
  });

  it('an E4xx inside a 200 is permanent, naming the CODE and never the TEXT', async () => {
    const cmp = await replaying('legacy-ratelimited.refused');
    const mno = gateway(cmp);
    await expectFailure(mno.applyPolicy(BAD_PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: 'answered E400', answer: response(cmp, 0).body, secrets: SECRETS });
    await expectFailure(mno.applyPolicy(PROFILE_ID, SMALL_POLICY), MnoPermanentError, { code: 'answered E400', answer: response(cmp, 1).body, secrets: SECRETS });
    await expectFailure(mno.setSimState(ICCID, 'active'), MnoPermanentError, { code: 'answered E409', answer: response(cmp, 2).body, secrets: SECRETS });
    expect([0, 1, 2].map((i) => response(cmp, i).status)).toEqual([200, 200, 200]);
  });

  it('BUSY inside a 200 is transient, and the same call goes through afterwards', async () => {
    const cmp = await replaying('legacy-ratelimited.busy');
    const mno = gateway(cmp);
    await expectFailure(mno.setSimState(ICCID, 'suspended'), MnoTransientError, { code: 'answered BUSY', answer: response(cmp, 0).body, secrets: SECRETS });
    expect(await mno.setSimState(ICCID, 'suspended')).toEqual({ done: true });
  });

  it('its rate limit (429 RATE_LIMIT, Retry-After) is transient: the adapter neither waits nor retries, the workflow backs off', async () => {
    const cmp = await replaying('legacy-ratelimited.rate-limited');
    const mno = gateway(cmp);
    expect(await mno.readSimState(UNKNOWN_ICCID)).toBeUndefined();
    await expectFailure(mno.readSimState(UNKNOWN_ICCID), MnoTransientError, { code: '429: RATE_LIMIT', answer: response(cmp, 1).body, secrets: SECRETS });
    expect(response(cmp, 1).headers['retry-after']).toMatch(/^\d+$/);
  });

  it('a connection the CMP drops is transient', async () => {
    const cmp = await replaying('legacy-ratelimited.outage');
    await expectFailure(gateway(cmp).setSimState(ICCID, 'suspended'), MnoTransientError, { code: 'could not be reached', secrets: SECRETS });
  });

  describe('classifies every HTTP status by the port’s rule (the recorded 429 answered with another status)', () => {
    const limited = async (status: number) => {
      const mno = gateway(await replaying('legacy-ratelimited.rate-limited', answeredWith(status)));
      await mno.readSimState(UNKNOWN_ICCID);
      return mno.readSimState(UNKNOWN_ICCID);
    };
    for (const status of [408, 500, 502, 503, 504])
      it(`${status} is transient`, () => expectFailure(limited(status), MnoTransientError, { code: `${status}: RATE_LIMIT`, secrets: SECRETS }));
    for (const status of [400, 403, 404, 409])
      it(`${status} is permanent`, () => expectFailure(limited(status), MnoPermanentError, { code: `(${status}): RATE_LIMIT`, secrets: SECRETS }));
  });
});
