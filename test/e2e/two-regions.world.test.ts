import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { localIssuer } from '../../infra/local/issuer.ts';
import { startRegions } from '../../infra/local/regions/start-regions.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid } from '../support/ids.ts';

/**
 * Two regions: what lies outside them (the devices, the MNOs' network traffic) reaches Switchboard
 * through the front, learns of SIMs from the event store whichever region publishes, and carries on
 * when the primary fails.
 */
let regions: Awaited<ReturnType<typeof startRegions>> | undefined;
afterAll(async () => regions?.stop());

it('a SIM registered through the front gets its device and its traffic, which reach the other region once the primary fails', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-regions-world-'));
  regions = await startRegions({ dataDir, port: 0, health: { intervalMs: 300, timeoutMs: 300, failureThreshold: 2 }, traffic: { tickMs: 300 }, env: { PUBLISHING_LEASE_MS: '3000', PUBLISHING_LEASE_RENEW_BEFORE_MS: '1000', SWITCHBOARD_SCHEDULES_EVERY_MS: JSON.stringify({ 'keep-publishing-lease': 500 }) }, log: () => undefined });
  const issuer = await localIssuer(dataDir);
  const admin = await issuer.sign({ subject: 'ops', scopes: ['platform:admin'], ttlSeconds: 600 });
  const token = await issuer.sign({ subject: 'alice', tenant: 'world', scopes: ['sims:write', 'sims:read', 'policies:write'], ttlSeconds: 600 });
  const call = async (method: string, path: string, body?: unknown, bearer = token) => {
    const res = await fetch(`${regions!.url}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };
  expect((await call('POST', '/v1/enterprises', { tenantId: 'world', name: 'World' }, admin)).status).toBe(201);
  expect((await call('PUT', '/v1/enterprise/mnos', { mnos: ['northwind-de'] })).status).toBe(200);
  const id = eid(7001);
  expect((await call('POST', '/v1/sims', { eid: id, profiles: [{ iccid: iccid(7001), mno: 'northwind-de', imsi: '262917000000001' }] })).status).toBe(201);
  expect((await call('POST', `/v1/sims/${id}/activate`)).status).toBe(200);
  await eventually(async () => regions!.devices.devices.has(id), Boolean, 'the SIM’s device', { timeout: 20_000, interval: 200 });
  const usage = async () => ((await call('GET', `/v1/sims/${id}/usage`)).body?.bytes as number | undefined) ?? 0;
  await eventually(usage, (bytes) => bytes > 0, 'traffic counted (pushed by its MNO through the front)', { timeout: 30_000, interval: 300 });
  const [primary, secondary] = Object.keys(regions.regions) as [string, string];
  await fetch(`${regions.url}/_sim/regions/${primary}/fail`, { method: 'POST' });
  await eventually(async () => (await fetch(`${regions!.url}/_sim/front`).then((r) => r.json())) as { active: string }, (f) => f.active === secondary, 'traffic sent to the other region', { timeout: 20_000, interval: 200 });
  // Usage counters are regional: what the other region counts is what reached it after the failover.
  await eventually(usage, (bytes) => bytes > 0, 'traffic counted in the other region', { timeout: 30_000, interval: 300 });
}, 120_000);
