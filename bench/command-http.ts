import { Agent, request } from 'node:http';
import { versionOf } from './stream-pool.ts';

export interface HttpAnswer {
  status: number;
  etag: string | undefined;
  body: string;
}

/**
 * A client of the local gateway on keep-alive connections (as an SDK or a device backend would
 * hold them). An idle connection is dropped after 2 s, well before the gateway's 5 s keep-alive
 * timeout, so a request never races the server closing the socket it was sent on.
 */
export const httpClient = (baseUrl: string, maxSockets = 16) => {
  const agent = new Agent({ keepAlive: true, maxSockets, timeout: 2_000 });
  const { hostname, port } = new URL(baseUrl);
  /** `token` undefined: no Authorization header (the devices' routes take none). */
  const send = (method: string, path: string, token: string | undefined, body?: unknown) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: {
            ...(token !== undefined && { authorization: `Bearer ${token}` }),
            ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { send, close: () => agent.destroy() };
};

export type HttpClient = ReturnType<typeof httpClient>;

/** Fails loudly on any answer but the expected one: a benchmark of errors measures nothing. */
export const expectAnswer = (what: string, answer: HttpAnswer, status: number, etag?: string) => {
  if (answer.status !== status || (etag !== undefined && answer.etag !== etag))
    throw new Error(`${what}: expected ${status} ${etag ?? ''}, got ${answer.status} ${answer.etag ?? ''} ${answer.body.slice(0, 300)}`);
};

/** The measured HTTP command: suspend, resume, suspend, … on a SIM that starts active. */
export const httpCommand = (client: HttpClient, token: string) => async (eid: string, use: number) => {
  const action = use % 2 === 0 ? 'suspend' : 'resume';
  const answer = await client.send('POST', `/v1/sims/${eid}/${action}`, token);
  expectAnswer(`HTTP ${action}`, answer, 200, `"${versionOf(use)}"`);
};
