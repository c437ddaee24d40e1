import type { LookupAddress } from 'node:dns';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { guardedLookup, sendWebhook } from '../../adapters/webhooks/send.ts';
import { startWebhookReceiver } from '../../infra/local/webhooks/receiver.ts';

const https = { allowLoopbackHttp: false };
const local = { allowLoopbackHttp: true };
const event = { 'detail-type': 'SimActivated', detail: { eventId: 'e-1' } } as unknown as WebhookEvent;

/** Runs the guarded lookup with a fake resolver answering `addresses`. */
const lookup = (policy: typeof https, addresses: LookupAddress[], all = false) =>
  new Promise<{ error: string | undefined; address: unknown }>((resolve) =>
    guardedLookup(policy, (_host, _options, callback) => callback(null, addresses))('hooks.example.com', { all }, (error, address) =>
      resolve({ error: (error as { code?: string } | null)?.code, address }),
    ),
  );

const receiver = await startWebhookReceiver();
afterAll(() => receiver.close());

describe('sending a webhook', () => {
  it('connects only to addresses the policy allows, whatever the name resolves to', async () => {
    expect(await lookup(https, [{ address: '93.184.216.34', family: 4 }])).toEqual({ error: undefined, address: '93.184.216.34' });
    expect(await lookup(https, [{ address: '93.184.216.34', family: 4 }], true)).toEqual({ error: undefined, address: [{ address: '93.184.216.34', family: 4 }] });
    expect((await lookup(https, [{ address: '10.0.0.7', family: 4 }])).error).toBe('address-not-allowed');
    expect((await lookup(https, [{ address: '93.184.216.34', family: 4 }, { address: 'fe80::1', family: 6 }], true)).error).toBe('address-not-allowed');
    expect((await lookup(https, [{ address: '127.0.0.1', family: 4 }])).error).toBe('address-not-allowed');
    expect((await lookup(local, [{ address: '127.0.0.1', family: 4 }])).error).toBeUndefined();
    expect((await lookup(local, [{ address: '169.254.169.254', family: 4 }])).error).toBe('address-not-allowed');
    expect((await lookup(https, [])).error).toBe('address-not-allowed');
  });

  it('refuses a URL the policy in force does not allow, without connecting', async () => {
    expect(await sendWebhook(receiver.url, 'whsec_AAAA', event, 'e-1', { policy: https })).toEqual({ delivered: false, error: 'url-not-allowed' });
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('a 2xx is delivered; a redirect or an error status is a failure named by its status', async () => {
    expect(await sendWebhook(receiver.url, 'whsec_AAAA', event, 'e-1', { policy: local })).toEqual({ delivered: true, status: 200 });
    receiver.respondWith(() => 302);
    expect(await sendWebhook(receiver.url, 'whsec_AAAA', event, 'e-1', { policy: local })).toEqual({ delivered: false, error: 'http-302' });
    receiver.respondWith(() => 410);
    expect(await sendWebhook(receiver.url.replace('127.0.0.1', 'localhost'), 'whsec_AAAA', event, 'e-1', { policy: local })).toEqual({ delivered: false, error: 'http-410' });
  });
});
