import { createServer, type IncomingHttpHeaders } from 'node:http';
import { verifySignature } from '../../../adapters/webhooks/signature.ts';

export interface ReceivedDelivery {
  /** `webhook-id`: the domain event id. */
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the signature verified under the receiver's secret (undefined while it has none). */
  valid: boolean | undefined;
  /** What the receiver answered. */
  status: number;
}

/**
 * A webhook receiver on 127.0.0.1 for trying subscriptions on the local runtime (and for tests):
 * records every request, verifies its signature once it knows the secret, and answers with the
 * status `respond` chooses (200 by default) — e.g. fail the first three.
 */
export const startWebhookReceiver = async (options: { respond?: (n: number, id: string) => number; answer?: string } = {}) => {
  const deliveries: ReceivedDelivery[] = [];
  const state = { secret: undefined as string | undefined, respond: options.respond ?? (() => 200), hang: false };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.hang) return;
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id'] ?? '');
      const status = state.respond(deliveries.length + 1, id);
      deliveries.push({ id, headers: req.headers, body, valid: state.secret ? verifySignature(state.secret, req.headers, body) : undefined, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(options.answer ?? 'ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    /** Ids of the deliveries answered with a 2xx, each once. */
    delivered: () => [...new Set(deliveries.filter((d) => d.status >= 200 && d.status < 300).map((d) => d.id))],
    useSecret: (secret: string) => void (state.secret = secret),
    respondWith: (respond: (n: number, id: string) => number) => void (state.respond = respond),
    /** Accept requests and never answer (timeouts). */
    hang: (on = true) => void (state.hang = on),
    close: async () => {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
};
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
