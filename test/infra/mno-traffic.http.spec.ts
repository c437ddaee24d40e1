import { afterAll, describe, expect, it } from 'vitest';
import type { PushRecord } from '../../adapters/signals/push-format.ts';
import { startMnoSimulator, startTraffic, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';

/** `/_sim/traffic` on a started simulator: anomalies set and cleared over HTTP, records captured by a fake deliver. */
const ICCID = '8944900000000000010';
const started: MnoSimulator[] = [];
afterAll(() => Promise.all(started.map((s) => s.stop())));

const setStatus = async (sim: MnoSimulator, status: 'ACTIVE' | 'SUSPENDED') => {
  const basic = Buffer.from(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`).toString('base64');
  const issued = await fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers: { authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' });
  const { access_token } = (await issued.json()) as { access_token: string };
  const res = await fetch(`${sim.url}/v1/sims/${ICCID}/status`, { method: 'PUT', headers: { authorization: `Bearer ${access_token}` }, body: JSON.stringify({ status }) });
  expect(res.status).toBe(200);
};
const call = async (sim: MnoSimulator, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}${path}`, { method, ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
};

describe('MNO simulator /_sim/traffic', () => {
  it('409 until a generator is attached; then PUT sets an anomaly delivered at once, GET shows it, DELETE clears it', async () => {
    const sim = await startMnoSimulator({ id: 'northwind-de', style: 'rest-oauth2', port: 0 });
    started.push(sim);
    expect(await call(sim, 'GET', '/_sim/traffic')).toEqual({ status: 409, body: { error: 'no traffic generator attached' } });
    expect((await call(sim, 'PUT', `/_sim/traffic/${ICCID}`, { smsFrom: '+491701234567' })).status).toBe(409);

    const delivered: PushRecord[] = [];
    const generator = startTraffic({
      mnoId: sim.id,
      homePlmn: '262-91',
      country: 'DE',
      sims: () => [{ iccid: ICCID }],
      simStatus: (iccid) => sim.simStatus(iccid),
      deliver: async (records) => void delivered.push(...records),
      tickMs: 3_600_000,
    });
    sim.attachTraffic(generator);
    await setStatus(sim, 'ACTIVE');
    expect(sim.simStatus(ICCID)).toBe('active');

    const anomaly = { plmn: '208-10', destination: '198.51.100.7:4444' };
    const put = await call(sim, 'PUT', `/_sim/traffic/${ICCID}`, anomaly);
    expect(put).toEqual({ status: 200, body: { iccid: ICCID, anomaly, emitted: 2, delivered: true } });
    expect(delivered).toEqual([
      expect.objectContaining({ type: 'session', iccid: ICCID, servingPlmn: '208-10', country: 'FR' }),
      expect.objectContaining({ type: 'flow', iccid: ICCID, destinationIPAddress: '198.51.100.7', destinationTransportPort: 4444, protocolIdentifier: 6 }),
    ]);
    const listed = await call(sim, 'GET', '/_sim/traffic');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ mnoId: 'northwind-de', anomalies: { [ICCID]: anomaly }, stats: { delivered: 2, pending: 0 } });
    expect(await call(sim, 'GET', `/_sim/traffic/${ICCID}`)).toEqual({ status: 200, body: { iccid: ICCID, anomaly } });

    expect(await call(sim, 'DELETE', `/_sim/traffic/${ICCID}`)).toEqual({ status: 204, body: undefined });
    expect((await call(sim, 'GET', '/_sim/traffic')).body).toMatchObject({ anomalies: {} });
    expect((await call(sim, 'GET', `/_sim/traffic/${ICCID}`)).status).toBe(404);

    // Suspended at the CMP: the anomaly is set, but the SIM sends nothing.
    await setStatus(sim, 'SUSPENDED');
    const quiet = await call(sim, 'PUT', `/_sim/traffic/${ICCID}`, { smsFrom: '+491701234567' });
    expect(quiet).toMatchObject({ status: 200, body: { emitted: 0, delivered: false, note: expect.stringContaining('not active') } });
    expect(delivered).toHaveLength(2);
    await generator.tick();
    expect(delivered).toHaveLength(2);

    // The fault routes are as they were; the simulator's stop stops the generator too.
    expect((await call(sim, 'PUT', '/_sim/faults', { latencyMs: 0 })).status).toBe(204);
  });

  it('an invalid anomaly or ICCID is a 400 naming the field', async () => {
    const sim = await startMnoSimulator({ id: 'orbital-fr', style: 'async-jobs' });
    started.push(sim);
    sim.attachTraffic(startTraffic({ mnoId: sim.id, homePlmn: '208-91', country: 'FR', sims: () => [], deliver: async () => {}, tickMs: 3_600_000 }));
    const refused = async (body: unknown, iccid = ICCID) => {
      const res = await call(sim, 'PUT', `/_sim/traffic/${iccid}`, body);
      expect(res.status).toBe(400);
      return res.body!.error as string;
    };
    expect(await refused({ imei: '35209900176148' })).toBe('invalid anomaly: imei: an IMEI is 15 digits');
    expect(await refused({ imei: '352099001761482' })).toBe('invalid anomaly: imei: IMEI Luhn check digit is wrong');
    expect(await refused({ plmn: '901-70' })).toBe('invalid anomaly: country: required: no country is known for MCC 901 (of plmn 901-70)');
    expect(await refused({ plmn: '26201' })).toMatch(/^invalid anomaly: plmn: a PLMN id is MCC-MNC/);
    expect(await refused({ country: 'de' })).toMatch(/^invalid anomaly: country: a country is an ISO 3166/);
    expect(await refused({ destination: '2001:db8::1:443' })).toMatch(/^invalid anomaly: destination: a destination is 'ip:port' \(IPv6 as '\[addr\]:port'\)/);
    expect(await refused({ destination: '10.0.0.1:70000' })).toMatch(/^invalid anomaly: destination:/);
    expect(await refused({ bytesPerMinute: -5 })).toMatch(/^invalid anomaly: bytesPerMinute:/);
    expect(await refused({ smsFrom: '0170123' })).toMatch(/^invalid anomaly: smsFrom: an E\.164 number/);
    expect(await refused({ imsi: '262911234567890' })).toMatch(/^invalid anomaly: imsi: Unrecognized key/);
    expect(await refused({})).toMatch(/^invalid anomaly: an anomaly sets at least one of imei, plmn/);
    expect(await refused('{not json')).toBe('invalid anomaly: the body is not JSON');
    expect(await refused({ smsFrom: '+491701234567' }, '12345')).toBe('invalid iccid: an ICCID is 18–20 digits');
    expect((await call(sim, 'POST', '/_sim/traffic')).status).toBe(405);
    // 901 with its country, and an IPv6 destination, are taken.
    expect((await call(sim, 'PUT', `/_sim/traffic/${ICCID}`, { plmn: '901-70', country: 'NO', destination: '[2001:db8::1]:443' })).status).toBe(200);
  });

  it("reads each style's SIM status the same way", async () => {
    const sim = await startMnoSimulator({ id: 'meridian-es', style: 'legacy-ratelimited' });
    started.push(sim);
    const res = await fetch(`${sim.url}/ws/Subscriber.setStatus`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64')}` },
      body: JSON.stringify({ ICCID, STATUS: 'S' }),
    });
    expect(res.status).toBe(200);
    expect(sim.simStatus(ICCID)).toBe('suspended');
    expect(sim.simStatus('8944900000000000028')).toBeUndefined();
  });
});
