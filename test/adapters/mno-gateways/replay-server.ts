import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { expect, onTestFinished } from 'vitest';

/**
 * Replays a recorded conversation with a CMP (fixtures/<style>.<scenario>.json, made by
 * record.ts): a server on 127.0.0.1 that expects the recorded requests in order and answers each
 * with the recorded response. A request that differs from the next expected one (method, path,
 * the headers below, body) is answered 500 `replay-mismatch` and fails the test with a diff, as
 * does an exchange the adapter never asked for.
 */

/** The request headers a recording holds and a replay checks: what a CMP authenticates and parses by. */
export const CHECKED_REQUEST_HEADERS = ['authorization', 'x-api-key', 'content-type'];
/** The response headers a recording keeps. */
export const KEPT_RESPONSE_HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'location', 'cache-control'];

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** JSON bodies as values (compared by value), any other body as text; absent when empty. */
  body?: unknown;
}
/** `dropped`: the CMP closed the connection without answering. */
export type RecordedResponse = { status: number; headers: Record<string, string>; body?: unknown } | { dropped: true };
export interface Exchange {
  request: RecordedRequest;
  response: RecordedResponse;
}
export interface Recording {
  style: string;
  scenario: string;
  description: string;
  exchanges: Exchange[];
}

export const pickHeaders = (headers: IncomingHttpHeaders | Headers, names: string[]): Record<string, string> => {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]);
  return Object.fromEntries(names.flatMap((name) => (typeof get(name) === 'string' ? [[name, get(name) as string]] : [])));
};

/** A body as a recording holds it: JSON as a value, other text as is, nothing when empty. */
export const recordedBody = (text: string): { body?: unknown } => {
  if (text === '') return {};
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: text };
  }
};

export const readText = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const loadRecording = (name: string): Recording =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Recording;

export interface Replay {
  url: string;
  recording: Recording;
  /** The exchanges the adapter has not asked for yet. */
  pending(): Exchange[];
  allConsumed(): boolean;
}

/**
 * Serves the recording `name` for the running test: checked when the test finishes (every
 * request matched, every exchange consumed) and then closed. `edit` may vary the recorded
 * exchanges (e.g. another status), for cases no simulator produces.
 */
export const replaying = async (source: string | Recording, edit: (exchanges: Exchange[]) => Exchange[] = (e) => e): Promise<Replay> => {
  const recording = typeof source === 'string' ? loadRecording(source) : source;
  const name = `${recording.style}.${recording.scenario}`;
  const exchanges = edit(recording.exchanges);
  let next = 0;
  let mismatch: { at: number; actual: RecordedRequest; expected: RecordedRequest | undefined } | undefined;

  const server = createServer(async (req, res) => {
    const actual: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: pickHeaders(req.headers, CHECKED_REQUEST_HEADERS),
      ...recordedBody(await readText(req)),
    };
    const exchange = exchanges[next];
    if (mismatch || !exchange || !isDeepStrictEqual(actual, exchange.request)) {
      mismatch ??= { at: next, actual, expected: exchange?.request };
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'replay-mismatch' }));
      return;
    }
    next += 1;
    const { response } = exchange;
    if ('dropped' in response) return void req.socket.destroy();
    res.writeHead(response.status, response.headers);
    res.end(response.body === undefined ? undefined : typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    if (mismatch) {
      const what = mismatch.expected ? `request ${mismatch.at + 1} of ${exchanges.length} differs from the recording ${name}` : `request ${mismatch.at + 1} is one more than the ${exchanges.length} recorded in ${name}`;
      expect(mismatch.actual, what).toEqual(mismatch.expected);
    }
    const unasked = exchanges.slice(next).map(({ request }) => `${request.method} ${request.path}`);
    expect(unasked, `recorded exchanges of ${name} the adapter never asked for`).toEqual([]);
  });

  return { url: `http://127.0.0.1:${port}`, recording, pending: () => exchanges.slice(next), allConsumed: () => next === exchanges.length };
};

/** A recording of no exchange: the adapter must not call the CMP at all. */
export const noCalls = (style: string): Recording => ({ style, scenario: 'no-calls', description: 'Nothing is asked of the CMP.', exchanges: [] });

/** An edit for `replaying`: the exchange at `index` (from the end when negative) answered with another status, its body kept. */
export const answeredWith =
  (status: number, index = -1) =>
  (exchanges: Exchange[]): Exchange[] =>
    exchanges.map((e, i) => (i === (index < 0 ? exchanges.length + index : index) && !('dropped' in e.response) ? { ...e, response: { ...e.response, status } } : e));

/** The recording's requests as `METHOD path`, in order. */
export const requestLines = ({ exchanges }: Recording) => exchanges.map(({ request }) => `${request.method} ${request.path}`);
