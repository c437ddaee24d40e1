import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PushBatch, verifyBatch, type PushRecord } from '../../adapters/signals/push-format.ts';
import { pushDeliverer, PushDeliveryFailed } from '../../infra/local/mno-simulators/traffic-push.ts';
import { startTraffic } from '../../infra/local/mno-simulators/traffic.ts';

/** The push deliverer against a tiny ingestion stand-in on 127.0.0.1 that checks each batch's signature. */
const KEY = 'signal-key-for-tests';
const ICCID = '8944900000000000010';
const usage = (n: number): PushRecord[] => Array.from({ length: n }, (_, i) => ({ type: 'usage', iccid: ICCID, bytesUplink: i, bytesDownlink: 0, timestamp: '2025-03-01T10:00:00.000Z' }));

interface Received {
  verdict: string;
  contentType: string | undefined;
  batch: PushBatch;
}
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)));
});
/** An ingestion endpoint: answers `status(n)` to the nth batch (202 by default), or never when it is 0. */
const ingestion = async (status: (n: number) => number = () => 202) => {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = verifyBatch(KEY, req.headers['x-signal-timestamp'] as string, req.headers['x-signal-signature'] as string, body, Date.now());
      received.push({ verdict, contentType: req.headers['content-type'], batch: PushBatch.parse(JSON.parse(body)) });
      const code = status(received.length);
      if (code === 0) return; // no answer
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: code < 300 }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/signals/northwind-de`, received };
};

describe('the push deliverer', () => {
  it('posts signed JSON batches of at most batchSize records, each with its own batchId', async () => {
    const { url, received } = await ingestion();
    const start = Date.now();
    let t = start;
    const deliver = pushDeliverer({ url, key: KEY, batchSize: 1000, now: () => t++ });
    await deliver(usage(2500));
    await deliver(usage(1));
    expect(received.map((r) => r.batch.records.length)).toEqual([1000, 1000, 500, 1]);
    expect(received.every((r) => r.verdict === 'ok' && r.contentType === 'application/json')).toBe(true);
    expect(received.map((r) => r.batch.batchId)).toEqual([0, 1, 2, 3].map((i) => `northwind-de-${start + i}-${i + 1}`));
    expect(received.flatMap((r) => r.batch.records)).toEqual([...usage(2500), ...usage(1)]);
  });

  it('a signature made with another key does not verify', async () => {
    const { url, received } = await ingestion();
    await pushDeliverer({ url, key: 'not-the-key' })(usage(1));
    expect(received[0]!.verdict).toBe('bad-signature');
  });

  it('throws on a non-2xx answer, saying how many records earlier batches delivered', async () => {
    const { url } = await ingestion((n) => (n === 2 ? 503 : 200));
    const error = await pushDeliverer({ url, key: KEY, batchSize: 3 })(usage(7)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushDeliveryFailed);
    expect(error).toMatchObject({ delivered: 3, message: expect.stringMatching(/HTTP 503/) });
  });

  it('throws when no answer comes within the timeout, or nothing listens', async () => {
    const { url } = await ingestion(() => 0);
    await expect(pushDeliverer({ url, key: KEY, timeoutMs: 200 })(usage(1))).rejects.toThrow(/no answer within 200 ms/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    await expect(pushDeliverer({ url: `http://127.0.0.1:${port}/v1/signals/x`, key: KEY })(usage(1))).rejects.toThrow(/fetch failed \(ECONNREFUSED\)/);
    expect(() => pushDeliverer({ url, key: KEY, batchSize: 1001 })).toThrow(RangeError);
  });

  it('with the generator: records refused by ingestion are kept and delivered on the next tick', async () => {
    let up = false;
    const { url, received } = await ingestion(() => (up ? 202 : 500));
    const generator = startTraffic({ mnoId: 'northwind-de', homePlmn: '262-91', country: 'DE', sims: () => [{ iccid: ICCID }], deliver: pushDeliverer({ url, key: KEY }), tickMs: 3_600_000 });
    await generator.tick();
    expect(generator.stats()).toMatchObject({ delivered: 0, failedDeliveries: 1, lastError: expect.stringMatching(/HTTP 500/) });
    const kept = generator.stats().pending;
    up = true;
    await generator.setAnomaly(ICCID, { smsFrom: '+491701234567' });
    expect(generator.stats()).toMatchObject({ delivered: kept + 1, pending: 0 });
    expect(received.at(-1)!.batch.records.at(-1)).toMatchObject({ type: 'sms', direction: 'MT', otherParty: '+491701234567' });
    await generator.stop();
  });
});
