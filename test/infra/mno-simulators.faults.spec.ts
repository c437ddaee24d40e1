import { afterAll, describe, expect, it } from 'vitest';
import { startMnoSimulator, type MnoFaults, type MnoSimulator, type MnoSimulatorOptions } from '../../infra/local/mno-simulators/index.ts';

const ICCID = '8944500102198304826';
const started: MnoSimulator[] = [];
const start = async (options: Omit<MnoSimulatorOptions, 'id'>) => {
  const sim = await startMnoSimulator({ id: `${options.style}-${started.length}`, ...options });
  started.push(sim);
  return sim;
};
afterAll(() => Promise.all(started.map((s) => s.stop())));

/** A REST call with a fresh token; a transient fault may turn away the token request itself. */
const rest = async (sim: MnoSimulator, method: string, path: string, body?: unknown) => {
  const basic = Buffer.from(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`).toString('base64');
  const issued = await fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers: { authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' });
  if (issued.status !== 200) return { status: issued.status, body: await issued.json(), headers: issued.headers };
  const { access_token } = (await issued.json()) as { access_token: string };
  const res = await fetch(`${sim.url}${path}`, { method, headers: { authorization: `Bearer ${access_token}` }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
};
const get = async (sim: MnoSimulator, path: string) => {
  const res = await fetch(`${sim.url}${path}`, { headers: { 'x-api-key': sim.credentials.apiKey ?? '' } });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
};
const jobs = async (sim: MnoSimulator, body: unknown) => {
  const res = await fetch(`${sim.url}/api/jobs`, { method: 'POST', headers: { 'x-api-key': sim.credentials.apiKey! }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const legacy = async (sim: MnoSimulator, operation: string, body: unknown) => {
  const res = await fetch(`${sim.url}/ws/${operation}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64')}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
const putFaults = (sim: MnoSimulator, faults: MnoFaults | Record<string, unknown>) =>
  fetch(`${sim.url}/_sim/faults`, { method: 'PUT', body: JSON.stringify(faults) });

/** Polls an async job to its end, retrying calls that a transient fault turned away. */
const jobOutcome = async (sim: MnoSimulator, request: unknown) => {
  let submitted = await jobs(sim, request);
  while (submitted.status === 503) submitted = await jobs(sim, request);
  for (let i = 0; i < 100; i++) {
    const { status, body } = await get(sim, `/api/jobs/${submitted.body.jobId}`);
    if (status === 200 && (body.status === 'DONE' || body.status === 'FAILED')) return body;
  }
  throw new Error('job did not end');
};

describe('MNO simulator faults', () => {
  it('failFirst N fails the next N calls transiently, then succeeds (legacy: BUSY inside 200)', async () => {
    const sim = await start({ style: 'rest-oauth2', faults: { failFirst: 2 } });
    expect((await rest(sim, 'GET', '/v1/sims/' + ICCID)).status).toBe(503); // the token request is turned away
    expect((await rest(sim, 'GET', '/v1/sims/' + ICCID)).status).toBe(503);
    expect((await rest(sim, 'PUT', `/v1/sims/${ICCID}/status`, { status: 'ACTIVE' })).status).toBe(200);
    const old = await start({ style: 'legacy-ratelimited', faults: { failFirst: 1 } });
    expect(await legacy(old, 'Subscriber.setStatus', { ICCID, STATUS: 'A' })).toEqual({ status: 200, body: { RESULT: 'ERR', CODE: 'BUSY', TEXT: expect.any(String) } });
    expect((await legacy(old, 'Subscriber.setStatus', { ICCID, STATUS: 'A' })).body.RESULT).toBe('OK');
  });

  it('errorRate with a seed gives the same pattern every time', async () => {
    const sim = await start({ style: 'async-jobs', faults: { errorRate: 0.5, seed: 42 } });
    const pattern = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await get(sim, `/api/sims/${ICCID}`)).status);
      return statuses;
    };
    const first = await pattern();
    expect(first).toContain(503);
    expect(first).toContain(404);
    sim.setFaults({ errorRate: 0.5, seed: 42 });
    expect(await pattern()).toEqual(first);
    const twin = await start({ style: 'async-jobs', faults: { errorRate: 0.5, seed: 42 } });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await get(twin, `/api/sims/${ICCID}`)).status);
    expect(statuses).toEqual(first);
  });

  it('errorRate also ends some async jobs FAILED with retryable: true', async () => {
    const sim = await start({ style: 'async-jobs', pollsToComplete: 1, faults: { errorRate: 0.5, seed: 7 } });
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push(await jobOutcome(sim, { kind: 'sim.state', target: ICCID, spec: { state: 'active' } }));
    expect(outcomes.filter((o) => o.status === 'DONE').length).toBeGreaterThan(0);
    expect(outcomes.find((o) => o.status === 'FAILED')?.error).toMatchObject({ retryable: true });
  });

  it('latencyMs delays every call by at least that long', async () => {
    const sim = await start({ style: 'async-jobs', faults: { latencyMs: 150 } });
    const t0 = performance.now();
    expect((await get(sim, `/api/sims/${ICCID}`)).status).toBe(404);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it('throttle answers 429 with Retry-After: 1', async () => {
    const sim = await start({ style: 'async-jobs', faults: { throttle: true } });
    const { status, headers } = await get(sim, `/api/sims/${ICCID}`);
    expect(status).toBe(429);
    expect(headers.get('retry-after')).toBe('1');
  });

  it('outage drops the connection without an answer; the admin routes still answer', async () => {
    const sim = await start({ style: 'legacy-ratelimited', faults: { outage: true } });
    await expect(legacy(sim, 'Subscriber.get', { ICCID })).rejects.toThrow();
    expect((await fetch(`${sim.url}/_sim/state`)).status).toBe(200);
    sim.setFaults({});
    expect((await legacy(sim, 'Subscriber.get', { ICCID })).body.CODE).toBe('E404');
  });

  it('reject fails policy applies permanently, each style in its own way', async () => {
    const restSim = await start({ style: 'rest-oauth2', faults: { reject: true } });
    const refused = await rest(restSim, 'PUT', '/v1/policy-profiles/p1', { internetBreakout: false });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const jobSim = await start({ style: 'async-jobs', pollsToComplete: 2, faults: { reject: true } });
    const job = await jobOutcome(jobSim, { kind: 'policy.apply', target: 'p1', spec: { internet_breakout: false } });
    expect(job).toMatchObject({ status: 'FAILED', error: { retryable: false } });
    const old = await start({ style: 'legacy-ratelimited', faults: { reject: true } });
    expect(await legacy(old, 'ServiceProfile.set', { PROFILE_ID: 'p1', BREAKOUT: 'N' })).toMatchObject({ status: 200, body: { RESULT: 'ERR', CODE: 'E400' } });
    for (const sim of [restSim, jobSim, old]) expect(sim.state().profiles).toEqual({});
  });

  it('drift makes the read-back differ from what was applied, in every style', async () => {
    const restSim = await start({ style: 'rest-oauth2', faults: { drift: true } });
    await rest(restSim, 'PUT', '/v1/policy-profiles/p1', { apnAllowList: ['iot.a'], internetBreakout: false });
    expect((await rest(restSim, 'GET', '/v1/policy-profiles/p1')).body).toMatchObject({ internetBreakout: true });
    const jobSim = await start({ style: 'async-jobs', faults: { drift: true } });
    expect((await jobOutcome(jobSim, { kind: 'policy.apply', target: 'p1', spec: { apn_allow_list: ['iot.a'], internet_breakout: true } })).status).toBe('DONE');
    expect((await get(jobSim, '/api/profiles/p1')).body.spec).toEqual({ apn_allow_list: ['iot.a', 'internet'], internet_breakout: true });
    const old = await start({ style: 'legacy-ratelimited', faults: { drift: true } });
    await legacy(old, 'ServiceProfile.set', { PROFILE_ID: 'p1', APN_LIST: 'iot.a' });
    expect((await legacy(old, 'ServiceProfile.get', { PROFILE_ID: 'p1' })).body).toMatchObject({ APN_LIST: 'iot.a', BREAKOUT: 'Y' });
  });

  it('PUT /_sim/faults over HTTP replaces the faults; GET /_sim/state shows state without credentials', async () => {
    const sim = await start({ style: 'async-jobs' });
    expect((await putFaults(sim, { throttle: true })).status).toBe(204);
    expect((await get(sim, `/api/sims/${ICCID}`)).status).toBe(429);
    expect((await putFaults(sim, { throttle: 'yes' })).status).toBe(400);
    expect((await putFaults(sim, {})).status).toBe(204);
    expect((await get(sim, `/api/sims/${ICCID}`)).status).toBe(404);
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ id: sim.id, style: 'async-jobs', faults: {}, calls: 2, profiles: {}, sims: {} });
    expect(JSON.stringify(state)).not.toContain(sim.credentials.apiKey);
    expect(sim.state().calls).toBe(2);
  });
});
