import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { answeredOperations } from '../support/openapi-contract.ts';

/**
 * The running API against docs/openapi.json: every documented operation called at least once on
 * the local runtime, each answer checked against the document by the client (test/support/
 * openapi-contract.ts: openapi-backend's router, Ajv 2020 for the bodies). Success where a request
 * can succeed here; the signed inbound routes, which need a device or an MNO's keys (their
 * successes are checked in esipa, profile-order and signals tests), answer a documented refusal.
 */
const document = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const documented = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) => Object.values(ops).map((o) => o.operationId));

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

const SCOPES = 'sims:write sims:read audit:read alerts:read alerts:write policies:read policies:write integrations:read integrations:write mnos:read';

describe('the running API, as the OpenAPI document says', () => {
  it('answers every documented operation as documented', { timeout: 120_000 }, async () => {
    const { call, admin } = api;
    const t = await api.tenant(SCOPES, 'alice');
    const bob = await t.tokenFor(SCOPES, 'bob');
    const ok = async (method: string, path: string, options: Parameters<LocalApi['call']>[2], ...statuses: number[]) => {
      const r = await call(method, path, options);
      expect(statuses, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
      return r;
    };

    // Platform
    await ok('GET', '/health', {}, 200, 503);
    await ok('GET', '/v1/openapi.json', {}, 200);
    await ok('GET', '/v1/events/schemas', { token: t.token }, 200);

    // Enterprises
    const other = `t-${unique()}`;
    await ok('POST', '/v1/enterprises', { token: admin, body: { tenantId: other, name: 'Other' } }, 201);
    await ok('POST', `/v1/enterprises/${other}/suspend`, { token: admin, body: { reason: 'contract test' } }, 200);
    await ok('POST', `/v1/enterprises/${other}/reinstate`, { token: admin }, 200);
    await ok('PUT', '/v1/enterprise/mnos', { token: t.token, body: { mnos: ['vodafone-de', 'orange-fr'] } }, 200);
    await ok('PUT', '/v1/enterprise/settings', { token: t.token, body: { fallbackReturn: 'automatic', fallbackReturnAfterSeconds: 60 } }, 200);
    await ok('GET', '/v1/enterprise/settings', { token: t.token }, 200);

    // MNOs
    const mno = `mno-${unique()}`;
    await ok('POST', '/v1/mnos', { token: admin, body: { id: mno, name: mno, plmns: ['262-92'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'http://127.0.0.1:9', credentialsRef: `secret://mno/${mno}` }, capabilities: [] } }, 201);
    await ok('POST', `/v1/mnos/${mno}/verification`, { token: admin, body: allChecksPassed() }, 200);
    await ok('GET', '/v1/mnos', { token: t.token }, 200);
    await ok('GET', `/v1/mnos/${mno}`, { token: t.token }, 200);
    await ok('POST', `/v1/mnos/${mno}/outage`, { token: admin, body: { reason: 'contract test' } }, 200);
    await ok('POST', `/v1/mnos/${mno}/outage/clear`, { token: admin, body: {} }, 200);

    // SIMs
    const sim = api.newSim();
    const { eid } = sim;
    const iccid = sim.profiles[0]!.iccid;
    await ok('POST', '/v1/sims', { token: t.token, body: sim }, 201);
    await ok('GET', `/v1/sims/${eid}`, { token: t.token }, 200);
    await ok('GET', '/v1/sims', { token: t.token }, 200);
    await ok('PUT', `/v1/sims/${eid}/labels`, { token: t.token, body: { labels: ['contract'] } }, 200);
    await ok('POST', `/v1/sims/${eid}/activate`, { token: t.token }, 200, 202);
    await ok('POST', `/v1/sims/${eid}/suspend`, { token: t.token, body: { reason: 'contract test' } }, 200, 202);
    await ok('POST', `/v1/sims/${eid}/resume`, { token: t.token }, 200, 202);
    await ok('GET', `/v1/sims/${eid}/events`, { token: t.token }, 200);
    await ok('GET', `/v1/sims/${eid}/audit`, { token: t.token }, 200);
    await ok('GET', `/v1/sims/${eid}/usage`, { token: t.token }, 200);
    await ok('POST', `/v1/sims/${eid}/profiles`, { token: t.token, body: { mno: 'orange-fr' } }, 202, 409);
    await ok('POST', `/v1/sims/${eid}/profiles/${iccid}/enable`, { token: t.token }, 202, 409);
    await ok('GET', `/v1/sims/${eid}/eim-packages/1`, { token: t.token }, 200, 404);
    await ok('POST', `/v1/sims/${eid}/suspend`, { token: t.token }, 200, 202);
    await ok('POST', `/v1/sims/${eid}/terminate`, { token: t.token, body: { reason: 'contract test' } }, 200, 202);
    await ok('POST', `/v1/sims/${eid}/terminate/cancel`, { token: bob, body: { reason: 'kept' } }, 200);
    await ok('POST', `/v1/sims/${eid}/terminate`, { token: t.token }, 200, 202);
    await ok('POST', `/v1/sims/${eid}/terminate/approve`, { token: bob }, 200, 202);

    // Policies and cascades
    await ok('PUT', '/v1/policies/contract', { token: t.token, body: { data: { apns: ['iot.contract'] } } }, 200);
    const published = await ok('POST', '/v1/policies/contract/publish', { token: t.token }, 202);
    await ok('GET', '/v1/policies/contract', { token: t.token }, 200);
    await ok('GET', '/v1/policies/contract/versions/1', { token: t.token }, 200);
    await ok('GET', '/v1/policies/contract/versions/1/effective?mno=vodafone-de', { token: t.token }, 200);
    await ok('GET', '/v1/cascades', { token: t.token }, 200);
    await ok('GET', `/v1/cascades/${published.body.cascadeId}`, { token: t.token }, 200);
    await ok('POST', `/v1/cascades/${published.body.cascadeId}/redrive`, { token: t.token }, 200, 202, 409);

    // Bulk operations
    const bulk = await ok('POST', '/v1/bulk-operations', { token: t.token, body: { action: 'activate', selector: { eids: [api.newSim().eid] } } }, 202);
    await ok('GET', '/v1/bulk-operations', { token: t.token }, 200);
    await ok('GET', `/v1/bulk-operations/${bulk.body.id}`, { token: t.token }, 200);
    await ok('POST', `/v1/bulk-operations/${bulk.body.id}/cancel`, { token: t.token }, 200, 409);

    // Alerts: none raised here (their answers are checked in the signal tests); an unknown one is a 404
    const alertId = `alert-imei-mismatch-${eid}-1`;
    await ok('GET', '/v1/alerts', { token: t.token }, 200);
    await ok('GET', `/v1/alerts/${alertId}`, { token: t.token }, 404);
    await ok('POST', `/v1/alerts/${alertId}/acknowledge`, { token: t.token }, 404);
    await ok('POST', `/v1/alerts/${alertId}/resolve`, { token: t.token }, 404);

    // Subscriptions
    const created = await ok('POST', '/v1/subscriptions', { token: t.token, body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['SimRegistered'] } }, 201);
    await ok('GET', '/v1/subscriptions', { token: t.token }, 200);
    await ok('GET', `/v1/subscriptions/${created.body.id}/dead-letters`, { token: t.token }, 200);
    await ok('POST', `/v1/subscriptions/${created.body.id}/dead-letters/no-such-event/redeliver`, { token: t.token }, 404);
    await ok('DELETE', `/v1/subscriptions/${created.body.id}`, { token: t.token }, 204);

    // Signed inbound routes, unsigned or signed wrong: refused as documented
    await ok('POST', `/v1/esipa/${eid}/packages/next`, { body: { request: 'x', certificate: 'y' } }, 400, 401);
    await ok('POST', `/v1/esipa/${eid}/results`, { body: { result: 'x', certificate: 'y' } }, 400, 401);
    await ok('POST', '/v1/es2plus/vodafone-de/handleDownloadProgressInfo', { raw: '{}', headers: { 'content-type': 'application/json' } }, 400, 401);
    await ok('POST', '/v1/signals/vodafone-de', { raw: '{}', headers: { 'content-type': 'application/json' } }, 401);

    expect(documented.filter((id) => !answeredOperations.has(id))).toEqual([]);
  });

  it('serves the document it was checked against, without a token', async () => {
    const r = await api.call('GET', '/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(document);
  });
});
