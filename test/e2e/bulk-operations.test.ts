import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionsWatcher } from '../../infra/ops/executions.ts';
import { profileOf } from '../../infra/ops/progress.ts';
import { eventually } from '../support/eventually.ts';
import { eid, unique } from '../support/ids.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

/**
 * Bulk operations over HTTP on the local runtime: the request checked at the edge, the state
 * machine (a Distributed Map over the manifest's chunks) on the local engine, each SIM's command
 * the one a request for it alone would make, outcomes and counts followable to the end.
 */
let api: LocalApi;
let tenant: Awaited<ReturnType<LocalApi['tenant']>>;
beforeAll(async () => {
  api = await startLocalApi({ stepFunctions: { retryIntervalOverrides: { SelectSims: 5, ProcessChunk: 5, CompleteBulk: 5 } } });
  tenant = await api.tenant('sims:write sims:read');
});
afterAll(() => api.stop());

const register = async (t = tenant) => {
  const sim = api.newSim();
  expect((await api.call('POST', '/v1/sims', { token: t.token, body: sim })).status).toBe(201);
  return sim.eid;
};
const post = (body: unknown, t = tenant) => api.call('POST', '/v1/bulk-operations', { token: t.token, body });
const ended = (id: string, query = '') =>
  eventually(async () => (await api.call('GET', `/v1/bulk-operations/${id}${query}`, { token: tenant.token })).body, (b) => b.status !== 'running', `bulk operation ${id} to end`, { timeout: 60_000, interval: 100 });
const simState = async (id: string, t = tenant) => (await api.call('GET', `/v1/sims/${id}`, { token: t.token })).body.state;

describe('bulk operations', () => {
  it('suspends the SIMs named, each as one request would; the others fail or are skipped, each saying why', async () => {
    const [a, b, inInventory, suspended] = [await register(), await register(), await register(), await register()];
    for (const id of [a, b, suspended]) expect((await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token })).status).toBe(200);
    expect((await api.call('POST', `/v1/sims/${suspended}/suspend`, { token: tenant.token })).status).toBe(200);
    const other = await api.tenant('sims:write sims:read');
    const theirs = await register(other);
    await api.call('POST', `/v1/sims/${theirs}/activate`, { token: other.token });
    const nobody = eid(unique());

    const started = await post({ action: 'suspend', selector: { eids: [a, b, inInventory, suspended, theirs, nobody] }, reason: 'stolen batch' });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/v1/bulk-operations/${started.body.id}`);
    const done = await ended(started.body.id);
    expect(done).toMatchObject({ status: 'partial', action: 'suspend', startedBy: 'alice', phase: 'done', counts: { total: 6, pending: 0, succeeded: 2, failed: 3, skipped: 1 } });
    const outcome = Object.fromEntries(done.items.map((i: any) => [i.eid, i]));
    expect(outcome[a]).toEqual({ eid: a, outcome: 'succeeded' });
    expect(outcome[inInventory]).toMatchObject({ outcome: 'failed', code: 'illegal-transition' });
    expect(outcome[suspended]).toMatchObject({ outcome: 'skipped', code: 'already' });
    // Another tenant's SIM is never reached: to this tenant it does not exist.
    expect(outcome[theirs]).toMatchObject({ outcome: 'failed', code: 'sim-not-found' });
    expect(outcome[nobody]).toMatchObject({ outcome: 'failed', code: 'sim-not-found' });
    expect(await simState(a)).toBe('suspended');
    expect(await simState(theirs, other)).toBe('active');
    // Each SIM's event is the ordinary one, correlated with the operation.
    const events = (await api.call('GET', `/v1/sims/${a}/events`, { token: tenant.token })).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'SimSuspended', actor: 'alice', data: { reason: 'stolen batch' }, correlationId: started.body.id });

    const failures = (await api.call('GET', `/v1/bulk-operations/${started.body.id}?outcome=failed&limit=2`, { token: tenant.token })).body;
    expect(failures.items).toHaveLength(2);
    expect(failures.items.every((i: any) => i.outcome === 'failed')).toBe(true);
    const rest = (await api.call('GET', `/v1/bulk-operations/${started.body.id}?outcome=failed&limit=2&cursor=${failures.nextCursor}`, { token: tenant.token })).body;
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeUndefined();
    // Operators see its execution as its chunks (npm run ops -- bulk reads the same way).
    const sfn = new SFNClient({ endpoint: api.runtime.cascades.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const executions = await executionsWatcher(sfn, api.runtime.bulk.stateMachineArn, 10, profileOf('switchboard-bulk'))();
    const execution = executions.find((e) => e.cascadeId === started.body.id)!;
    expect(execution).toMatchObject({ status: 'SUCCEEDED', result: 'partial', total: 1, targets: [{ label: 'chunk 0', outcome: 'succeeded' }] });
    // Cancelling an operation that has ended is refused.
    expect((await api.call('POST', `/v1/bulk-operations/${started.body.id}/cancel`, { token: tenant.token })).status).toBe(409);
  });

  it('selects by label from the read model, and retries an earlier operation’s failures by naming it', async () => {
    const label = `fleet-${unique()}`;
    const ids = [await register(), await register(), await register()];
    const labelled = await ended((await post({ action: 'set-labels', selector: { eids: ids }, labels: [label] })).body.id);
    expect(labelled.counts).toMatchObject({ total: 3, succeeded: 3 });
    await eventually(async () => (await api.call('GET', `/v1/sims?label=${label}`, { token: tenant.token })).body.items, (items) => items.length === 3, 'the labels in the read model');
    // Suspending SIMs in inventory fails for every one of them…
    const first = await ended((await post({ action: 'suspend', selector: { label } })).body.id);
    expect(first).toMatchObject({ status: 'failed', counts: { total: 3, failed: 3 } });
    for (const id of ids) await api.call('POST', `/v1/sims/${id}/activate`, { token: tenant.token });
    // …and once they are active, an operation over that one's failures suspends them.
    const retry = await ended((await post({ action: 'suspend', selector: { operation: first.id, outcome: 'failed' } })).body.id);
    expect(retry).toMatchObject({ status: 'succeeded', counts: { total: 3, succeeded: 3 } });
    const list = (await api.call('GET', '/v1/bulk-operations?limit=100', { token: tenant.token })).body.items;
    expect(list.map((o: any) => o.id)).toEqual(expect.arrayContaining([labelled.id, first.id, retry.id]));
  });

  it('refuses a bad request with a 400 that names what is wrong, and starts nothing', async () => {
    const fresh = await api.tenant('sims:write sims:read');
    const cases: [unknown, string][] = [
      [{ action: 'explode', selector: { label: 'a' } }, 'validation-failed'],
      [{ action: 'suspend', selector: {} }, 'validation-failed'],
      [{ action: 'suspend', selector: { eids: ['42'] } }, 'validation-failed'],
      [{ action: 'suspend', selector: { label: 'a' }, colour: 'red' }, 'validation-failed'],
      [{ action: 'enable-profile', selector: { label: 'a' }, mno: 'nowhere-mno' }, 'mno-not-chosen'],
      [{ action: 'suspend', selector: { operation: 'bulk-00000000000000000000' } }, 'unknown-operation'],
    ];
    for (const [body, code] of cases) {
      const r = await post(body, fresh);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.type).toContain(code);
    }
    expect((await api.call('GET', '/v1/bulk-operations', { token: fresh.token })).body.items).toEqual([]);
    expect((await api.call('GET', '/v1/bulk-operations/bulk-00000000000000000000', { token: fresh.token })).status).toBe(404);
    // Reading needs sims:read; starting needs sims:write.
    expect((await post({ action: 'suspend', selector: { label: 'a' } }, { ...fresh, token: await fresh.tokenFor('sims:read') })).status).toBe(403);
  });
});
