import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressAllowed, webhookUrlProblem, type UrlPolicy } from '../../domain/subscription/url.ts';
import type { WebhookEvent } from '../../application/webhooks/event.ts';
import { signedHeaders } from './signature.ts';

/** A 2xx is delivered; anything else is a failure named by a code, never by what the receiver said. */
import type { SendOutcome } from '../../application/webhooks/ports.ts';

export type { SendOutcome };

export interface SendOptions {
  policy: UrlPolicy;
  /** The whole attempt, connection to response headers. Default 5 s. */
  timeoutMs?: number;
  now?: Date;
}

type Resolve = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const refused = () => Object.assign(new Error('the webhook host resolves to an address that is not allowed'), { code: 'address-not-allowed' });

/**
 * DNS resolution that refuses a host if any of its addresses is one a webhook may not reach
 * (domain/subscription/url.ts), and hands the socket the addresses it checked: the connection
 * goes where the check looked, so re-pointing the name in between (DNS rebinding) gains nothing.
 */
export const guardedLookup =
  (policy: UrlPolicy, resolve: Resolve = dnsLookup as unknown as Resolve): LookupFunction =>
  (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      const reply = callback as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
      if (error) return reply(error, '');
      if (addresses.length === 0 || addresses.some((a) => !addressAllowed(a.address, policy))) return reply(refused(), '');
      if (options.all) return reply(null, addresses);
      return reply(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

const CODE = /^[A-Za-z0-9_-]{1,64}$/;

const errorCode = (error: unknown, timedOut: boolean): string => {
  if (timedOut) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODE.test(code) ? code : 'network-error';
};

/**
 * One signed POST of an event to a subscription's URL (headers per signature.ts, body the event
 * as JSON). The URL is checked again against the policy in force, redirects are not followed,
 * the response body is never read, and the outcome carries only a status or an error code.
 */
export const sendWebhook = (url: string, secret: string, event: WebhookEvent, eventId: string, options: SendOptions): Promise<SendOutcome> => {
  if (webhookUrlProblem(url, options.policy)) return Promise.resolve({ delivered: false, error: 'url-not-allowed' });
  const target = new URL(url);
  const body = JSON.stringify(event);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'Switchboard-Webhooks/1',
    ...signedHeaders(secret, eventId, body, options.now),
  };
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  return new Promise<SendOutcome>((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, { method: 'POST', headers, signal, lookup: guardedLookup(options.policy) }, (response) => {
      const status = response.statusCode ?? 0;
      response.destroy();
      resolve(status >= 200 && status < 300 ? { delivered: true, status } : { delivered: false, error: `http-${status}` });
    });
    request.on('error', (error) => resolve({ delivered: false, error: errorCode(error, signal.aborted) }));
    request.end(body);
  });
};
