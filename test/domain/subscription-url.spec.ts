import { describe, expect, it } from 'vitest';
import { SubscriptionRequest } from '../../domain/subscription/request.ts';
import { addressAllowed, addressKind, webhookUrlProblem } from '../../domain/subscription/url.ts';

const https = { allowLoopbackHttp: false };
const local = { allowLoopbackHttp: true };

describe('webhook URLs (SSRF stance)', () => {
  it('accepts public https URLs, with ports, paths and queries', () => {
    for (const url of ['https://hooks.example.com/in', 'https://example.com:8443/a?b=c', 'https://93.184.216.34/x', 'https://[2606:2800:220:1::1]/'])
      expect(webhookUrlProblem(url, https), url).toBeUndefined();
  });
  it('refuses other schemes, credentials, fragments and non-URLs', () => {
    for (const url of ['http://hooks.example.com/', 'ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)', 'https://user:pw@example.com/', 'https://user@example.com/', 'https://example.com/in?token=abc', 'https://example.com/in?x=1&API_KEY=k', 'https://example.com/#x', 'example.com/in', ''])
      expect(webhookUrlProblem(url, https), url).toBeDefined();
  });
  it('refuses loopback, private, link-local, metadata and reserved hosts in https mode, however written', () => {
    for (const url of [
      'https://127.0.0.1/', 'https://localhost/', 'https://LOCALHOST./', 'https://api.localhost/', 'https://[::1]/', 'https://10.1.2.3/', 'https://172.20.0.1/',
      'https://192.168.1.1/', 'https://169.254.169.254/latest/meta-data', 'https://100.64.0.1/', 'https://0.0.0.0/', 'https://2130706433/', 'https://0x7f.1/',
      'https://[::ffff:127.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/', 'https://[fd00::1]/', 'https://[fe80::1]/', 'https://[64:ff9b::a00:1]/', 'https://224.0.0.1/',
      'https://printer.local/', 'https://db.internal/', 'https://intranet/', 'https://198.18.0.1/',
    ])
      expect(webhookUrlProblem(url, https), url).toBeDefined();
  });
  it('allows http to 127.0.0.1, localhost and [::1] only in loopback mode', () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost:3000/', 'http://[::1]:9000/']) {
      expect(webhookUrlProblem(url, local), url).toBeUndefined();
      expect(webhookUrlProblem(url, https), url).toBeDefined();
    }
    for (const url of ['http://127.0.0.2/', 'http://10.0.0.1/', 'http://example.com/', 'http://user:pw@127.0.0.1/']) expect(webhookUrlProblem(url, local), url).toBeDefined();
  });
  it('classifies resolved addresses for the connect-time check', () => {
    expect(addressKind('8.8.8.8')).toBe('public');
    expect(addressKind('127.0.0.53')).toBe('loopback');
    expect(addressKind('::1')).toBe('loopback');
    expect(addressKind('::ffff:10.0.0.1')).toBe('private');
    expect(addressKind('2001:db8::1')).toBe('private');
    expect(addressKind('2a00:1450:4001:80b::200e')).toBe('public');
    expect(addressAllowed('127.0.0.1', https)).toBe(false);
    expect(addressAllowed('127.0.0.1', local)).toBe(true);
    expect(addressAllowed('192.168.0.1', local)).toBe(false);
  });
});

describe('a subscription request', () => {
  const parse = (body: unknown) => SubscriptionRequest(https).safeParse(body);
  it('normalises the URL and the event types', () => {
    expect(parse({ url: 'https://Hooks.Example.com/in', eventTypes: ['SimActivated', 'SimActivated', 'PolicyPublished'] }).data).toEqual({
      url: 'https://hooks.example.com/in',
      eventTypes: ['SimActivated', 'PolicyPublished'],
    });
    expect(parse({ url: 'https://hooks.example.com/', eventTypes: ['SimActivated', '*'] }).data?.eventTypes).toEqual(['*']);
  });
  it('names each bad field', () => {
    const result = parse({ url: 'http://10.0.0.1/', eventTypes: ['SimActivated', 'NoSuchEvent', 'WebhookDeliveryParked'], extra: 1 });
    const paths = result.error!.issues.map((i) => i.path.join('/'));
    expect(paths).toEqual(expect.arrayContaining(['url', 'eventTypes/1', 'eventTypes/2', '']));
    expect(parse({ url: 'https://example.com/', eventTypes: [] }).error!.issues[0]!.path).toEqual(['eventTypes']);
  });
});
