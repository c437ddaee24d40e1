import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_RULES } from '../../domain/policy/rules.ts';
import { CONSOLE_CSP } from '../../infra/local/console/server.ts';
import { eventually } from '../support/eventually.ts';
import { eid, iccid, imei, imsi, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { northAndSouth } from '../support/north-south.ts';

/**
 * The ops console in a real headless Chromium (Debian's, driven by Playwright): it connects with a
 * pasted token, shows a cascade progressing to `succeeded` and an alert raised by the network's
 * signals, draws a SIM's timeline, shows the API's problem for a bad token, and cannot write.
 * Evidence: .vitest/console.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const READ = 'mnos:read policies:read sims:read alerts:read audit:read';
const XSS = '<img src=x onerror="window.__pwned=1">';

// north enforces every rule (it can hold a SIM); south answers slowly, so a cascade runs for a while. south's name is hostile markup.
const [north, south] = ((pair) => [{ ...pair[0], capabilities: [...POLICY_RULES] }, { ...pair[1], name: XSS }] as const)(northAndSouth());
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the console tests need Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  api = await startLocalApi({ mnos: [north, south] });
  tenant = await api.tenant('sims:write sims:read policies:write policies:read alerts:read');
  expect((await api.call('PUT', '/v1/enterprise/mnos', { token: tenant.token, body: { mnos: [north.id, south.id] } })).status).toBe(200);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

const connect = async (token: string) => {
  await page.goto(api.runtime.console.url);
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
};

describe('the ops console', () => {
  it('shows a cascade progressing to succeeded, an alert, and a SIM’s timeline, live', { timeout: 120_000 }, async () => {
    await connect(await tenant.tokenFor(READ, 'operator'));
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^Connected/);
    // The hostile MNO name is text on the page, not markup.
    await page.getByText(XSS).first().waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // A policy published while the operator watches: south answers in 3 s, so the cascade is seen running first.
    await fetch(`${api.runtime.simulators.get(south.id)!.url}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 3000 }) });
    const policy = { imeiLock: true, responses: { 'imei-mismatch': 'suspend' } };
    expect((await api.call('PUT', '/v1/policies/fleet', { token: tenant.token, body: policy })).status).toBe(200);
    const { cascadeId } = (await api.call('POST', '/v1/policies/fleet/publish', { token: tenant.token })).body;
    const card = page.locator(`[data-cascade="${cascadeId}"]`);
    await card.getByText('running', { exact: true }).first().waitFor({ timeout: 20_000 });
    expect(await card.getByRole('progressbar').count()).toBe(3);
    await card.locator('h3').getByText('succeeded', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await card.getByRole('progressbar', { name: `cascade ${cascadeId}: 2 of 2 MNOs verified` }).count()).toBe(1);
    await fetch(`${api.runtime.simulators.get(south.id)!.url}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });

    // A SIM moved into another device: the alert shows up.
    expect((await api.call('PUT', '/v1/enterprise/settings', { token: tenant.token, body: { policyId: 'fleet' } })).status).toBe(200);
    const n = unique();
    const sim = { eid: eid(n), iccid: iccid(n % 1e12), imei: imei(n % 1e6) };
    expect((await api.call('POST', '/v1/sims', { token: tenant.token, body: { eid: sim.eid, imei: sim.imei, profiles: [{ iccid: sim.iccid, mno: north.id, imsi: imsi(n % 1e10) }] } })).status).toBe(201);
    expect((await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: tenant.token })).status).toBe(200);
    await eventually(async () => (await api.call('GET', `/v1/sims/${sim.eid}`, { token: tenant.token })).body, (s) => s.observed?.[north.id] === 'active', 'the SIM active at north');
    await fetch(`${api.runtime.simulators.get(north.id)!.url}/_sim/traffic/${sim.iccid}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imei: imei(999_002) }) });
    const alert = page.locator('#alerts [data-alert]').filter({ hasText: 'imei-mismatch' });
    await alert.first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => Number(await page.locator('.tiles li').filter({ hasText: 'open alerts' }).locator('.count').textContent()), { timeout: 10_000 }).toBeGreaterThan(0);

    // Its timeline: desired against observed, the events in order.
    await page.getByLabel('EID').fill(sim.eid);
    await page.getByRole('button', { name: 'Show' }).click();
    const timeline = page.getByRole('list', { name: `Events of SIM ${sim.eid}, oldest first` });
    await timeline.getByText('SimRegistered').waitFor();
    await timeline.getByText('SimSuspended').waitFor({ timeout: 30_000 });

    // Accessible as axe-core reads WCAG 2 A and AA (labels, contrast, roles, landmarks) on the page as drawn.
    await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
    const audit = await page.evaluate(() => (globalThis as unknown as { axe: { run(o: unknown): Promise<{ passes: unknown[]; violations: { id: string; help: string; nodes: unknown[] }[] }> } }).axe.run({ runOnly: ['wcag2a', 'wcag2aa'] }));
    expect(audit.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    expect(audit.passes.length).toBeGreaterThan(10);

    mkdirSync('.vitest', { recursive: true });
    await page.screenshot({ path: '.vitest/console.png', fullPage: true });
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('keeps the token out of URLs, cookies and lasting storage, and forgets it when asked', async () => {
    expect(page.url()).toBe(api.runtime.console.url);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.context().cookies()).toEqual([]);
    await page.getByRole('button', { name: 'Forget token' }).click();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Not connected/);
  });

  it('shows the API’s problem for a wrong-tenant or an expired token, never a blank page', { timeout: 30_000 }, async () => {
    await connect(await api.token(`t-${unique()}`, READ, 'stranger'));
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toContain('the tenant is not onboarded or is suspended');
    expect(await page.locator('#cascades .problem').textContent()).toContain('Forbidden (403)');

    const expired = await api.runtime.issuer.sign({ subject: 'operator', tenant: tenant.id, scopes: READ.split(' '), ttlSeconds: -60 });
    await connect(expired);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toContain('Unauthorized (401)');
    expect(await page.locator('#mnos .problem').textContent()).toMatch(/Unauthorized \(401\): .+/);
  });

  it('cannot change state: its server passes on reads alone, under a strict Content-Security-Policy', async () => {
    const base = api.runtime.console.url;
    const cascades = async () => (await api.call('GET', '/v1/cascades', { token: tenant.token })).body.items.length;
    const before = await cascades();
    const page = await fetch(base);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const write = await fetch(`${base}v1/policies/fleet/publish`, { method, headers: { authorization: `Bearer ${tenant.token}` } });
      expect(write.status, method).toBe(405);
      expect(await write.json()).toMatchObject({ detail: 'the console is read-only: it only reads the API' });
    }
    expect(await cascades()).toBe(before);
    expect((await fetch(`${base}../etc/passwd`)).status).toBe(404);
  });
});
