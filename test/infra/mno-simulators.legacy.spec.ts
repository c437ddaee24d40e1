import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnoSimulator, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';

const ICCID = '8944500102198304826';
const fields = {
  APN_LIST: 'iot.a|iot.b',
  FW_RULES: '10.0.0.0/8:443,8000-8080/tcp;0.0.0.0/0:53/udp',
  BREAKOUT: 'N',
  SMS_MO_WL: '+4915112345678|+4930',
  SMS_MT_WL: '',
  ROAM_COUNTRIES: 'DE,FR',
  ROAM_PLMNS: '26201,20801',
  IMEI_LOCK: 'Y',
  DATA_CAP_MB: '500',
  SMS_CAP: '',
  VPN_PEER: '203.0.113.10',
  VPN_SUBNETS: '10.20.0.0/16',
  VPN_PSK_REF: 'vpn/acme/psk',
};

let sim: MnoSimulator;
let limited: MnoSimulator;

const rpc = async (operation: string, body: Record<string, unknown>, s = sim, password = s.credentials.password!) => {
  const res = await fetch(`${s.url}/ws/${operation}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${s.credentials.username}:${password}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
};

beforeAll(async () => {
  sim = await startMnoSimulator({ id: 'legacy', style: 'legacy-ratelimited', ratePerSecond: 1000 });
  limited = await startMnoSimulator({ id: 'legacy-limited', style: 'legacy-ratelimited', ratePerSecond: 5 });
});
afterAll(() => Promise.all([sim?.stop(), limited?.stop()]));

describe('legacy-ratelimited simulator', () => {
  it('refuses wrong Basic credentials with 401', async () => {
    const refused = await rpc('Subscriber.get', { ICCID }, sim, 'wrong');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ RESULT: 'ERR', CODE: 'E401' });
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('stores a service profile and reads it back equal', async () => {
    expect(await rpc('ServiceProfile.set', { PROFILE_ID: 'acme-v7', ...fields })).toMatchObject({ status: 200, body: { RESULT: 'OK', PROFILE_ID: 'acme-v7', VERSION: '1' } });
    const { status, body } = await rpc('ServiceProfile.get', { PROFILE_ID: 'acme-v7' });
    expect(status).toBe(200);
    const { RESULT, PROFILE_ID, VERSION, ...read } = body;
    expect({ RESULT, PROFILE_ID, VERSION }).toEqual({ RESULT: 'OK', PROFILE_ID: 'acme-v7', VERSION: '1' });
    expect(read).toEqual(fields);
    expect(sim.state().profiles['acme-v7']).toEqual(fields);
  });

  it('answers application errors inside HTTP 200', async () => {
    for (const bad of [{ FW_RULES: '10.0.0.0/8:443' }, { BREAKOUT: 'no' }, { ROAM_PLMNS: '262-01' }, { COLOUR: 'blue' }, { DATA_CAP_MB: 500 }]) {
      const { status, body } = await rpc('ServiceProfile.set', { PROFILE_ID: 'p', ...bad });
      expect(status).toBe(200);
      expect(body).toMatchObject({ RESULT: 'ERR', CODE: 'E400' });
    }
    expect((await rpc('ServiceProfile.get', { PROFILE_ID: 'none' })).body).toMatchObject({ RESULT: 'ERR', CODE: 'E404' });
  });

  it('sets subscriber status and reads it back; T is final', async () => {
    expect((await rpc('Subscriber.get', { ICCID })).body.CODE).toBe('E404');
    expect((await rpc('Subscriber.setStatus', { ICCID, STATUS: 'A' })).body).toEqual({ RESULT: 'OK', ICCID, STATUS: 'A' });
    expect((await rpc('Subscriber.get', { ICCID })).body).toEqual({ RESULT: 'OK', ICCID, STATUS: 'A' });
    expect((await rpc('Subscriber.setStatus', { ICCID, STATUS: 'X' })).body.CODE).toBe('E400');
    await rpc('Subscriber.setStatus', { ICCID, STATUS: 'T' });
    expect((await rpc('Subscriber.setStatus', { ICCID, STATUS: 'S' })).body.CODE).toBe('E409');
  });

  it('rate-limits a burst with 429 and Retry-After, then recovers', async () => {
    const burst = await Promise.all(Array.from({ length: 30 }, () => rpc('Subscriber.get', { ICCID }, limited)));
    const limitedCalls = burst.filter((r) => r.status === 429);
    expect(limitedCalls.length).toBeGreaterThan(0);
    expect(limitedCalls[0]!.body).toMatchObject({ RESULT: 'ERR', CODE: 'RATE_LIMIT' });
    const retryAfter = Number(limitedCalls[0]!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await rpc('Subscriber.get', { ICCID }, limited)).status).toBe(200);
  });
});
