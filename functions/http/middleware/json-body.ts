import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { problem } from '../problem.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Parses a JSON body into `event.json`. An absent body is allowed (a command whose body is
 * optional) and leaves `json` undefined; over 64 KiB (or the route's own limit) → 413; not declared as JSON → 415; not
 * parseable → 400. (Middy's JSON parser has no size limit and refuses an absent body, hence this one.)
 */
export const jsonBody = (maxBytes = MAX_BODY_BYTES): MiddlewareObj<APIGatewayProxyEventV2 & { json?: unknown }> => ({
  before: (request) => {
    const { body, isBase64Encoded, headers } = request.event;
    if (body === undefined || body === null || body === '') return;
    const raw = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
    if (raw.byteLength > maxBytes) throw problem(413, 'body-too-large', `the body is over ${maxBytes} bytes`);
    if (!JSON_TYPE.test(headers['content-type'] ?? ''))
      throw problem(415, 'unsupported-media-type', 'send the body as application/json', undefined, { accept: 'application/json' });
    try {
      request.event.json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw problem(400, 'malformed-json', 'the body is not well-formed JSON');
    }
    if (depthOver(request.event.json, MAX_DEPTH)) throw problem(400, 'body-too-deep', `the body nests arrays and objects deeper than ${MAX_DEPTH} levels`);
  },
});

/** No request of this API nests deeper; deeper ones would only exhaust the recursion of what reads them (idempotency hashing). */
export const MAX_DEPTH = 16;

/** Whether a parsed JSON value nests arrays and objects deeper than `max` (iteratively: a deep one must not overflow the stack here). */
const depthOver = (value: unknown, max: number) => {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
};
