import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imei, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import type { SimulatedMno } from '../../infra/local/simulated-mnos.ts';
import { signCdr } from '../../adapters/signals/cdr-signature.ts';
import { signalKeyIn } from '../support/signal-keys.ts';

const signalKey = (mno: string) => signalKeyIn(api.dataDir, mno);

/**
 * The other two ways MNOs deliver network records, on the local runtime: a CMP polled by
 * Switchboard (pull, modelled on Cisco IoT Control Center), and CDR files dropped in the signals
 * bucket (a folder here). Both end where a push does: counted, checked, alerted, contained.
 */
const run = unique();
const east: SimulatedMno = { id: `east-${run}`, name: 'East (pull)', style: 'async-jobs', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
const west: SimulatedMno = { id: `west-${run}`, name: 'West (files)', style: 'legacy-ratelimited', plmns: ['262-91'], countries: ['DE'], capabilities: [] };
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi({ mnos: [east, west], stepFunctions: { retryIntervalOverrides: { ApplyToMno: 0.01, VerifyOnMno: 0.01 } } });
  tenant = await api.tenant('sims:write sims:read policies:write policies:read alerts:read alerts:write');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [east.id, west.id] } })).status).toBe(200);
  const policy = { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } };
  expect((await api.call('PUT', '/v1/policies/fleet', { token: tenant.token, body: policy })).status).toBe(200);
  expect((await api.call('POST', '/v1/policies/fleet/publish', { token: tenant.token })).status).toBe(202);
  expect((await api.call('PUT', '/v1/enterprise/settings', { token: tenant.token, body: { policyId: 'fleet' } })).status).toBe(200);
});
afterAll(() => api.stop());

const register = async (mno: string) => {
  const n = unique();
  const sim = { eid: eid(n), iccid: iccid(n % 1e12), imei: imei(n % 1e6) };
  expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: sim.eid, imei: sim.imei, profiles: [{ iccid: sim.iccid, mno, imsi: imsi(n % 1e10) }] } })).status).toBe(201);
  expect((await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: tenant.token })).status).toBe(200);
  await eventually(() => getSim(sim.eid), (s) => s.observed?.[mno] === 'active', `${sim.eid} active at ${mno}`, { timeout: 60_000 });
  return sim;
};
const getSim = async (id: string) => (await api.call('GET', `/v1/sims/${id}`, { token: tenant.token })).body;
const anomaly = (mno: string, id: string, body: unknown) => fetch(`${api.runtime.simulators.get(mno)!.url}/_sim/traffic/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('pull: the CMP polled from a watermark', () => {
  it('a device change the CMP recorded is read on the next poll, alerted and contained', async () => {
    const sim = await register(east.id);
    expect((await anomaly(east.id, sim.iccid, { imei: imei(999_101), bytesPerMinute: 60_000 })).status).toBe(200);
    await api.runtime.schedules.runNow();
    await api.runtime.queues.idle();
    const contained = await eventually(() => getSim(sim.eid), (s) => s.state === 'suspended', 'the SIM suspended', { timeout: 30_000 });
    expect(contained.containment).toMatchObject({ kind: 'imei-mismatch' });
    const usage = (await api.call('GET', `/v1/sims/${sim.eid}/usage`, { token: tenant.token })).body;
    expect(usage.byMno[east.id].bytes).toBeGreaterThan(0);
    // Polled again: nothing new is counted twice.
    await api.runtime.schedules.runNow();
    await api.runtime.queues.idle();
    expect((await api.call('GET', `/v1/sims/${sim.eid}/usage`, { token: tenant.token })).body.bytes).toBe(usage.bytes);
  });
});

describe('files: CDRs dropped in the signals bucket', () => {
  it('the MNO’s file is read once; its signals alert and contain', async () => {
    const sim = await register(west.id);
    expect((await anomaly(west.id, sim.iccid, { imei: imei(999_102) })).status).toBe(200);
    await api.runtime.signalFiles.scanNow();
    await api.runtime.queues.idle();
    await eventually(() => getSim(sim.eid), (s) => s.state === 'suspended', 'the SIM suspended', { timeout: 30_000 });
  });

  it('a file with bad lines: the good ones are taken, the bad ones reported by line and why, without their values', async () => {
    const sim = await register(west.id);
    const dir = join(api.dataDir, 'signal-files', west.id);
    mkdirSync(dir, { recursive: true });
    const name = `manual-${unique()}.csv`;
    const lines = [
      'record_type,iccid,timestamp,bytes_uplink,bytes_downlink,event,imei,serving_plmn,country',
      `usage,${sim.iccid},${new Date().toISOString()},100,400,,,,`,
      `usage,${sim.iccid},not-a-time,1,1,,,,`,
      `session,${sim.iccid},${new Date().toISOString()},,,attach,999888777,262-91,DE`,
      `teleport,${sim.iccid},${new Date().toISOString()},,,,,,`,
    ];
    const text = lines.join('\n') + '\n';
    writeFileSync(join(dir, `${name}.sig`), signCdr(signalKey(west.id), `${west.id}/${name}`, text), { mode: 0o600 });
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    await api.runtime.signalFiles.scanNow();
    await api.runtime.queues.idle();
    const report = JSON.parse(readFileSync(join(api.dataDir, 'signal-files', 'reports', west.id, `${name}.json`), 'utf8'));
    expect(report).toMatchObject({ accepted: 1, refusedCount: 3 });
    expect(report.refused.map((r: { line: number }) => r.line)).toEqual([3, 4, 5]);
    expect(JSON.stringify(report)).not.toContain('999888777');
    expect((await api.call('GET', `/v1/sims/${sim.eid}/usage`, { token: tenant.token })).body.bytes).toBe(500);
  });

  it('a file not signed with the MNO’s signal key (or signed for another name) is not read: reported, nothing counted', async () => {
    const sim = await register(west.id);
    const dir = join(api.dataDir, 'signal-files', west.id);
    const text = `record_type,iccid,timestamp,bytes_uplink,bytes_downlink\nusage,${sim.iccid},${new Date().toISOString()},100,400\n`;
    const [unsigned, misnamed] = [`unsigned-${unique()}.csv`, `misnamed-${unique()}.csv`];
    writeFileSync(join(dir, unsigned), text, { mode: 0o600 });
    writeFileSync(join(dir, `${misnamed}.sig`), signCdr(signalKey(west.id), `${west.id}/another.csv`, text), { mode: 0o600 });
    writeFileSync(join(dir, misnamed), text, { mode: 0o600 });
    await api.runtime.signalFiles.scanNow();
    await api.runtime.queues.idle();
    for (const name of [unsigned, misnamed]) {
      const report = JSON.parse(readFileSync(join(api.dataDir, 'signal-files', 'reports', west.id, `${name}.json`), 'utf8'));
      expect(report, name).toMatchObject({ accepted: 0, fatal: expect.stringContaining('not signed') });
    }
    expect((await api.call('GET', `/v1/sims/${sim.eid}/usage`, { token: tenant.token })).body.bytes).toBe(0);
  });
});
