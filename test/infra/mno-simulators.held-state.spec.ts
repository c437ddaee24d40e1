import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMnoSimulator, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';

/** A simulated CMP with a state file keeps what it holds across a restart, as a real network would. */
const ICCID = '8944500102198304826';
const started: MnoSimulator[] = [];
afterEach(async () => {
  for (const sim of started.splice(0)) await sim.stop();
});
const start = async (stateFile: string) => {
  const sim = await startMnoSimulator({ id: 'jobs', style: 'async-jobs', stateFile });
  started.push(sim);
  return sim;
};
const call = async (sim: MnoSimulator, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}${path}`, { method, headers: { 'x-api-key': sim.credentials.apiKey!, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('what a simulated CMP holds, kept in its state file', () => {
  it('SIM states and a job still pending survive a restart: the job can be polled to its end there, the file 0600', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-state-')), 'jobs.json');
    const first = await start(file);
    const done = (await call(first, 'POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'active' } })).body.jobId;
    for (let i = 0; i < 5; i++) await call(first, 'GET', `/api/jobs/${done}`);
    const pending = (await call(first, 'POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'suspended' } })).body.jobId;
    await first.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await start(file);
    expect(second.state().sims).toEqual({ [ICCID]: 'active' });
    const statuses: string[] = [];
    for (let i = 0; i < 5 && statuses.at(-1) !== 'DONE'; i++) statuses.push((await call(second, 'GET', `/api/jobs/${pending}`)).body.status);
    expect(statuses.at(-1)).toBe('DONE');
    expect(second.state().sims).toEqual({ [ICCID]: 'suspended' });
  });

  it('an unreadable state file: the CMP starts empty and says so, and writes a good one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-state-')), 'jobs.json');
    writeFileSync(file, '{not json');
    const sim = await start(file);
    expect(sim.state().sims).toEqual({});
    await call(sim, 'POST', '/api/jobs', { kind: 'sim.state', target: ICCID, spec: { state: 'active' } });
    await sim.stop();
    expect(Object.keys((await start(file)).state())).toContain('sims');
  });
});
