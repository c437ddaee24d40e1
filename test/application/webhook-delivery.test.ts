import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionsDecider } from '../../domain/subscription/decider.ts';
import { executeCommand } from '../../application/command.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { sendWebhook } from '../../adapters/webhooks/send.ts';
import { dynamoDbDeadLetterPayloads } from '../../adapters/webhooks/dead-letter-payloads.ts';
import { dynamoDbDeliveryLog } from '../../adapters/webhooks/delivery-log.ts';
import { deadLettersOf, redeliver } from '../../application/webhooks/dead-letters.ts';
import { createWebhookDelivery } from '../../application/webhooks/delivery.ts';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import type { WebhookPorts } from '../../application/webhooks/ports.ts';
import type { WebhookRetry } from '../../application/webhooks/retry-scheduler.ts';
import { fileWebhookSecrets } from '../../adapters/webhooks/secrets.ts';
import { newSigningSecret } from '../../adapters/webhooks/signature.ts';
import { subscriptionsStream } from '../../application/webhooks/streams.ts';
import { createTable } from '../../adapters/dynamodb/create-table.ts';
import { TABLES } from '../../manifest/tables.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhooks/receiver.ts';
import { timerScheduler } from '../../infra/local/webhooks/timer-scheduler.ts';
import { freshTables } from '../support/tables.ts';

const context = { actor: 'test', correlationId: 'c', region: 'local' };
let ports: WebhookPorts;
const receivers: WebhookReceiver[] = [];
const schedulers: ReturnType<typeof timerScheduler>[] = [];

beforeAll(async () => {
  const tables = await freshTables();
  const deadLetters = `switchboard-webhook-dead-letters-${randomUUID().slice(0, 8)}`;
  await createTable(tables.client, TABLES.webhookDeadLetters, deadLetters);
  const deliveries = `switchboard-webhook-deliveries-${randomUUID().slice(0, 8)}`;
  await createTable(tables.client, TABLES.webhookDeliveries, deliveries);
  ports = {
    store: new DynamoDbEventStore(tables.client, tables.events),
    secrets: fileWebhookSecrets(mkdtempSync(join(tmpdir(), 'webhook-secrets-'))),
    payloads: dynamoDbDeadLetterPayloads(tables.client, deadLetters),
    deliveries: dynamoDbDeliveryLog(tables.client, deliveries),
    send: sendWebhook,
    policy: { allowLoopbackHttp: true },
    region: 'local',
    timeoutMs: 300,
  };
});
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
});
afterAll(async () => {
  for (const r of receivers) await r.close();
});

const receiver = async (respond?: (n: number) => number) => {
  const r = await startWebhookReceiver({ respond, answer: 'internal detail: token=hunter2' });
  receivers.push(r);
  return r;
};

const delivery = (retryDelaysMs = [20, 40, 60]) => {
  const scheduler = timerScheduler((retry) => delivery.retry(retry));
  schedulers.push(scheduler);
  const delivery = createWebhookDelivery({ ...ports, scheduler, retryDelaysMs, jitter: 0, log: logger, countParked: () => undefined });
  return { scheduler, ...delivery };
};

const subscribe = async (tenant: string, url: string, eventTypes = ['SimActivated']) => {
  const id = randomUUID();
  const secret = newSigningSecret();
  await ports.secrets.put(tenant, id, secret);
  await executeCommand(ports.store, subscriptionsDecider, subscriptionsStream(tenant), { type: 'CreateSubscription', subscription: { id, url, eventTypes } }, context);
  return { id, secret };
};

const event = (tenant: string | null, type = 'SimActivated', streamTenant = tenant): WebhookEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': type,
  source: 'switchboard',
  account: '000000000000',
  time: '2026-11-24T10:00:00Z',
  region: 'local',
  resources: [],
  detail: { tenant, streamId: `T#${streamTenant}#SIM#1`, version: 1, eventId: randomUUID(), schemaVersion: 1, data: { reason: 'x' }, metadata: { correlationId: 'corr-1' } },
});
const eventIdOf = (e: WebhookEvent) => (e.detail as { eventId: string }).eventId;
const tenant = () => `t-${randomUUID().slice(0, 8)}`;

describe('webhook delivery', () => {
  it('delivers an event, signed, to the subscriptions of its tenant that want its type, and to no other', async () => {
    const [a, b] = [tenant(), tenant()];
    const wanted = await receiver();
    const other = await receiver();
    const { secret } = await subscribe(a, wanted.url);
    wanted.useSecret(secret);
    await subscribe(a, other.url, ['SimSuspended']);
    await subscribe(b, other.url, ['*']);
    const d = delivery();
    const e = event(a);
    await d.deliver(e);
    await d.deliver(event(null));
    await d.deliver(event(a, 'SimActivated', b));
    await d.deliver(event(a, 'SubscriptionCreated'));
    await d.scheduler.idle();
    expect(wanted.deliveries.map((x) => [x.id, x.valid, x.status])).toEqual([[eventIdOf(e), true, 200]]);
    expect(JSON.parse(wanted.deliveries[0]!.body)).toEqual(e);
    expect(wanted.deliveries[0]!.headers['content-type']).toBe('application/json');
    expect(other.deliveries).toEqual([]);
  });

  it('an event published again (a takeover publishes the last minutes again; the bus redelivers) reaches each receiver once, even from another delivery worker; one that failed is still retried', async () => {
    const a = tenant();
    const r = await receiver();
    const { secret } = await subscribe(a, r.url);
    r.useSecret(secret);
    const e = event(a);
    await delivery().deliver(e);
    const other = delivery(); // the other region's worker, sharing the replicated deliveries table
    await other.deliver(e);
    await other.deliver(structuredClone(e));
    expect(r.deliveries.map((x) => x.id)).toEqual([eventIdOf(e)]);
    // A first attempt that failed is not recorded: the event sent again is delivered.
    const failing = await receiver((n) => (n === 1 ? 500 : 200));
    const second = await subscribe(a, failing.url);
    failing.useSecret(second.secret);
    const f = event(a);
    const d = delivery([60_000]);
    await d.deliver(f);
    await delivery().deliver(f);
    expect(failing.deliveries.map((x) => x.status)).toEqual([500, 200]);
  });

  it('retries with the same webhook-id and a fresh signature until a 2xx, then stops', async () => {
    const t = tenant();
    const r = await receiver((n) => (n <= 3 ? 503 : 200));
    const { secret, id } = await subscribe(t, r.url);
    r.useSecret(secret);
    const d = delivery();
    const e = event(t);
    const started = Date.now();
    await d.deliver(e);
    await d.scheduler.idle();
    expect(r.deliveries.map((x) => [x.id, x.valid, x.status])).toEqual([503, 503, 503, 200].map((s) => [eventIdOf(e), true, s]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 + 60);
    expect(await deadLettersOf(ports, t, id)).toEqual([]);
  });

  it('parks after the last retry, with a code and never the receiver’s answer; a redelivery then succeeds', async () => {
    const t = tenant();
    const r = await receiver(() => 500);
    const { id } = await subscribe(t, r.url);
    const d = delivery([10, 10]);
    const e = event(t);
    await d.deliver(e);
    await d.scheduler.idle();
    expect(r.deliveries).toHaveLength(3);
    const parked = await deadLettersOf(ports, t, id);
    expect(parked).toEqual([{ eventId: eventIdOf(e), detailType: 'SimActivated', attempts: 3, lastError: 'http-500', parkedAt: expect.any(String) }]);
    expect(JSON.stringify(parked)).not.toContain('hunter2');
    expect(await ports.payloads.get(t, id, eventIdOf(e))).toEqual(e);

    const subscription = { id, url: r.url, eventTypes: ['SimActivated'] };
    const again = await redeliver(ports, t, subscription, eventIdOf(e), context);
    expect(again).toMatchObject({ delivered: false, deadLetter: { attempts: 4, lastError: 'http-500' } });
    r.respondWith(() => 204);
    expect(await redeliver(ports, t, subscription, eventIdOf(e), context)).toEqual({ eventId: eventIdOf(e), delivered: true, deadLetter: undefined });
    expect(await deadLettersOf(ports, t, id)).toEqual([]);
    await expect(redeliver(ports, t, subscription, eventIdOf(e), context)).rejects.toMatchObject({ code: 'dead-letter-not-found' });
  });

  it('a receiver that does not answer in time fails with `timeout`; one that is gone with its error code', async () => {
    const t = tenant();
    const slow = await receiver();
    slow.hang();
    const gone = await receiver();
    await gone.close();
    const { id: slowId } = await subscribe(t, slow.url);
    const { id: goneId } = await subscribe(t, gone.url);
    const d = delivery([]);
    await d.deliver(event(t));
    expect((await deadLettersOf(ports, t, slowId))[0]?.lastError).toBe('timeout');
    expect((await deadLettersOf(ports, t, goneId))[0]?.lastError).toBe('ECONNREFUSED');
  });

  it('a subscription deleted between attempts gets no more retries and parks nothing', async () => {
    const t = tenant();
    const r = await receiver(() => 503);
    const { id } = await subscribe(t, r.url);
    // Retries are held by hand, not timers: the delete comes between the attempts, whatever the load.
    const due: WebhookRetry[] = [];
    const d = createWebhookDelivery({ ...ports, scheduler: { schedule: async (_delayMs, retry) => void due.push(retry) }, retryDelaysMs: [50, 50], jitter: 0, log: logger, countParked: () => undefined });
    await d.deliver(event(t));
    expect(due).toHaveLength(1);
    await executeCommand(ports.store, subscriptionsDecider, subscriptionsStream(t), { type: 'DeleteSubscription', id }, context);
    await d.retry(due.shift()!);
    expect(due).toEqual([]);
    expect(r.deliveries).toHaveLength(1);
    expect(await deadLettersOf(ports, t, id)).toEqual([]);
  });

  it('stop() cancels pending retries', async () => {
    const t = tenant();
    const r = await receiver(() => 503);
    await subscribe(t, r.url);
    const d = delivery([10_000]);
    await d.deliver(event(t));
    expect(d.scheduler.pending).toBe(1);
    await d.scheduler.stop();
    expect(d.scheduler.pending).toBe(0);
    expect(r.deliveries).toHaveLength(1);
  });
});

describe('the local secret store', () => {
  it('keeps one 0600 file per subscription and refuses ids that are not ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-secrets-'));
    const secrets = fileWebhookSecrets(dir);
    const id = randomUUID();
    await secrets.put('acme', id, 'whsec_abc');
    expect(await secrets.get('acme', id)).toBe('whsec_abc');
    expect(statSync(join(dir, 'acme', `${id}.json`)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'acme')).mode & 0o777).toBe(0o700);
    expect(await secrets.get('acme', randomUUID())).toBeUndefined();
    await expect(secrets.put('../etc', id, 'x')).rejects.toThrow(/not a tenant/);
    await expect(secrets.get('acme', '../../passwd')).rejects.toThrow(/not a tenant/);
  });
});
