import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionsStream } from '../../application/webhooks/streams.ts';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhooks/receiver.ts';
import { until } from '../support/eventually.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const SCOPES = 'sims:write sims:read integrations:write integrations:read';
let api: LocalApi;
const seen: WebhookEvent[] = [];
const receivers: WebhookReceiver[] = [];

const delivery = () => api.runtime.webhooks;

beforeAll(async () => {
  process.env.WEBHOOK_RETRY_DELAYS_MS = '50,100,150,200';
  api = await startLocalApi();
  api.runtime.bus.subscribe((event) => void seen.push(event));
});
afterAll(async () => {
  await api?.stop();
  for (const r of receivers) await r.close();
  delete process.env.WEBHOOK_RETRY_DELAYS_MS;
});

const receiver = async (respond?: (n: number) => number) => {
  const r = await startWebhookReceiver({ respond, answer: 'receiver internals: session=s3cr3t-body' });
  receivers.push(r);
  return r;
};
const detailOf = (e: WebhookEvent) => e.detail as { tenant: string | null; eventId: string; streamId: string; data: Record<string, unknown> };
const bodyOf = (body: string) => JSON.parse(body) as WebhookEvent;

const subscribe = async (token: string, url: string, eventTypes: string[]) => {
  const created = await api.call('POST', '/v1/subscriptions', { token, body: { url, eventTypes } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; url: string; eventTypes: string[]; secret: string };
};

describe('webhook subscriptions over HTTP', () => {
  it('shows the secret once, at creation; never in the list, the events or the bus', async () => {
    const t = await api.tenant(SCOPES);
    const r = await receiver();
    const created = await subscribe(t.token, r.url, ['SimActivated', 'SimActivated']);
    expect(created).toEqual({ id: expect.any(String), url: r.url, eventTypes: ['SimActivated'], secret: expect.stringMatching(/^whsec_/) });
    const listed = await api.call('GET', '/v1/subscriptions', { token: await t.tokenFor('integrations:read') });
    expect(listed.body).toEqual({ items: [{ id: created.id, url: r.url, eventTypes: ['SimActivated'] }] });
    const stored = await new DynamoDbEventStore(new DynamoDBClient({}), process.env.EVENTS_TABLE!).load(subscriptionsStream(t.id));
    expect(stored.commits).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(6));
    await until(() => seen.some((e) => e['detail-type'] === 'SubscriptionCreated' && detailOf(e).tenant === t.id), 'SubscriptionCreated on the bus');
    expect(JSON.stringify(seen)).not.toContain(created.secret.slice(6));
  });

  it('refuses bad input naming the fields, a missing scope, and an Idempotency-Key', async () => {
    const t = await api.tenant(SCOPES);
    const bad = await api.call('POST', '/v1/subscriptions', { token: t.token, body: { url: 'https://10.0.0.1/hook', eventTypes: ['NoSuchEvent'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/eventTypes/0', '/url']);
    for (const url of ['http://hooks.example.com/', 'https://user:pw@hooks.example.com/', 'ftp://hooks.example.com/', 'https://169.254.169.254/'])
      expect((await api.call('POST', '/v1/subscriptions', { token: t.token, body: { url, eventTypes: ['*'] } })).status, url).toBe(400);
    const readOnly = await t.tokenFor('integrations:read sims:write');
    expect((await api.call('POST', '/v1/subscriptions', { token: readOnly, body: { url: 'https://hooks.example.com/', eventTypes: ['*'] } })).status).toBe(403);
    expect((await api.call('GET', '/v1/subscriptions', { token: await t.tokenFor('sims:read') })).status).toBe(403);
    const keyed = await api.call('POST', '/v1/subscriptions', { token: t.token, headers: { 'idempotency-key': 'k1' }, body: { url: 'https://hooks.example.com/', eventTypes: ['*'] } });
    expect([keyed.status, keyed.body.type]).toEqual([400, '/problems/idempotency-key-not-supported']);
    expect((await api.call('GET', '/v1/subscriptions', { token: t.token })).body.items).toEqual([]);
  });
});

describe('webhook delivery from the local runtime', () => {
  it('a receiver failing the first 3 deliveries gets every event once per id, validly signed; another tenant’s receiver gets none of them', async () => {
    const [a, b] = [await api.tenant(SCOPES), await api.tenant(SCOPES)];
    const flaky = await receiver((n) => (n <= 3 ? 503 : 200));
    const mine = await subscribe(a.token, flaky.url, ['SimRegistered', 'SimActivated', 'SimSuspended']);
    flaky.useSecret(mine.secret);
    const others = await receiver();
    others.useSecret((await subscribe(b.token, others.url, ['*'])).secret);

    const sim = api.newSim();
    expect((await api.call('POST', '/v1/sims', { token: a.token, body: sim })).status).toBe(201);
    await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: a.token });
    await api.call('POST', `/v1/sims/${sim.eid}/suspend`, { token: a.token });
    const simB = api.newSim();
    expect((await api.call('POST', '/v1/sims', { token: b.token, body: simB })).status).toBe(201);

    const expected = () => seen.filter((e) => detailOf(e).streamId === `T#${a.id}#SIM#${sim.eid}` && e['detail-type'] !== 'SimStateObserved').map((e) => detailOf(e).eventId);
    await until(() => expected().length === 3 && expected().every((id) => flaky.delivered().includes(id)), 'the three SIM events at the receiver');
    await until(() => others.delivered().length > 0, 'tenant B’s own event');
    await delivery().idle();

    expect(flaky.deliveries.filter((d) => d.status === 503)).toHaveLength(3);
    expect(flaky.delivered().sort()).toEqual(expected().sort());
    for (const d of flaky.deliveries) {
      expect(d.valid).toBe(true);
      expect(detailOf(bodyOf(d.body)).eventId).toBe(d.id);
    }
    expect(new Set(flaky.deliveries.map((d) => bodyOf(d.body)['detail-type']))).toEqual(new Set(['SimRegistered', 'SimActivated', 'SimSuspended']));
    expect((await api.call('GET', `/v1/subscriptions/${mine.id}/dead-letters`, { token: a.token })).body).toEqual({ items: [] });
    for (const d of others.deliveries) expect([d.valid, detailOf(bodyOf(d.body)).tenant]).toEqual([true, b.id]);
    expect(others.deliveries.filter((d) => expected().includes(d.id))).toEqual([]);
  });

  it('parks what fails every attempt, lists it, and redelivers it on request', async () => {
    const t = await api.tenant(SCOPES);
    const down = await receiver(() => 503);
    const sub = await subscribe(t.token, down.url, ['SimActivated']);
    down.useSecret(sub.secret);
    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: t.token, body: sim });
    await api.call('POST', `/v1/sims/${sim.eid}/activate`, { token: t.token });

    const deadLetters = () => api.call('GET', `/v1/subscriptions/${sub.id}/dead-letters`, { token: t.token });
    await until(async () => (await deadLetters()).body.items.length === 1, 'the delivery to be parked');
    const [parked] = (await deadLetters()).body.items;
    expect(parked).toEqual({ eventId: expect.any(String), detailType: 'SimActivated', attempts: 5, lastError: 'http-503', parkedAt: expect.any(String) });
    expect(down.deliveries.map((d) => d.id)).toEqual(Array(5).fill(parked.eventId));
    expect(JSON.stringify((await deadLetters()).body)).not.toContain('s3cr3t-body');

    const redeliverPath = `/v1/subscriptions/${sub.id}/dead-letters/${parked.eventId}/redeliver`;
    const failed = await api.call('POST', redeliverPath, { token: t.token });
    expect([failed.status, failed.body]).toEqual([202, { eventId: parked.eventId, delivered: false, deadLetter: { ...parked, attempts: 6, parkedAt: expect.any(String) } }]);
    down.respondWith(() => 200);
    const ok = await api.call('POST', redeliverPath, { token: t.token });
    expect([ok.status, ok.body]).toEqual([202, { eventId: parked.eventId, delivered: true }]);
    expect(down.deliveries.at(-1)).toMatchObject({ id: parked.eventId, valid: true, status: 200 });
    expect((await deadLetters()).body.items).toEqual([]);
    expect((await api.call('POST', redeliverPath, { token: t.token })).status).toBe(404);
    await until(() => seen.some((e) => e['detail-type'] === 'WebhookRedelivered' && detailOf(e).tenant === t.id), 'WebhookRedelivered on the bus');
    expect(down.deliveries.every((d) => bodyOf(d.body)['detail-type'] === 'SimActivated')).toBe(true);
  });

  it('another tenant cannot see, delete or redeliver a subscription; deleting is an event and stops deliveries', async () => {
    const [a, b] = [await api.tenant(SCOPES), await api.tenant(SCOPES)];
    const r = await receiver();
    const sub = await subscribe(a.token, r.url, ['*']);
    expect((await api.call('GET', '/v1/subscriptions', { token: b.token })).body.items).toEqual([]);
    expect((await api.call('GET', `/v1/subscriptions/${sub.id}/dead-letters`, { token: b.token })).status).toBe(404);
    expect((await api.call('POST', `/v1/subscriptions/${sub.id}/dead-letters/${randomUUID()}/redeliver`, { token: b.token })).status).toBe(404);
    expect((await api.call('DELETE', `/v1/subscriptions/${sub.id}`, { token: b.token })).status).toBe(404);
    expect((await api.call('GET', '/v1/subscriptions', { token: a.token })).body.items).toHaveLength(1);
    const secretFile = join(process.env.WEBHOOK_SECRETS_DIR!, a.id, `${sub.id}.json`);
    expect(existsSync(secretFile)).toBe(true);

    expect((await api.call('DELETE', `/v1/subscriptions/${sub.id}`, { token: a.token })).status).toBe(204);
    // Its signing secret goes with it.
    expect(existsSync(secretFile)).toBe(false);
    expect((await api.call('DELETE', `/v1/subscriptions/${sub.id}`, { token: a.token })).status).toBe(204);
    expect((await api.call('GET', '/v1/subscriptions', { token: a.token })).body.items).toEqual([]);
    expect((await api.call('GET', `/v1/subscriptions/${sub.id}/dead-letters`, { token: a.token })).status).toBe(404);
    await until(() => seen.some((e) => e['detail-type'] === 'SubscriptionDeleted' && detailOf(e).data.id === sub.id), 'SubscriptionDeleted on the bus');
    const stored = await new DynamoDbEventStore(new DynamoDBClient({}), process.env.EVENTS_TABLE!).load(subscriptionsStream(a.id));
    expect(stored.commits.flatMap((c) => c.events.map((e) => e.type))).toEqual(['SubscriptionCreated', 'SubscriptionDeleted']);

    const sim = api.newSim();
    await api.call('POST', '/v1/sims', { token: a.token, body: sim });
    await until(() => seen.some((e) => detailOf(e).streamId === `T#${a.id}#SIM#${sim.eid}`), 'the SIM event on the bus');
    await delivery().idle();
    expect(r.deliveries.filter((d) => detailOf(bodyOf(d.body)).streamId.includes(`#SIM#${sim.eid}`))).toEqual([]);
  });
});
