import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { es2plusClient, signNotification, verifyNotification } from '../../adapters/smdp/es2plus.ts';
import { SmdpError } from '../../application/ports/smdp.ts';

/** The ES2+ client against a stand-in SM-DP+ on 127.0.0.1 that answers what it is told to. */
let answer: unknown = {};
let url = '';
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
});
beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((ok) => server.close(ok)));
const executed = { header: { functionExecutionStatus: { status: 'Executed-Success' } } };

describe('the ES2+ client', () => {
  it('takes an answer only once it is well formed: no ICCID that is not one, no matching id or address that would break an activation code', async () => {
    const client = es2plusClient(url, 'key');
    answer = { ...executed, iccid: '12345' };
    await expect(client.downloadOrder('c1', '1'.repeat(32))).rejects.toBeInstanceOf(SmdpError);
    answer = { ...executed, matchingId: 'AB$CD', smdpAddress: 'smdp.example' };
    await expect(client.confirmOrder('c2', '8944123456789012348', '1'.repeat(32))).rejects.toThrow(/not well formed/);
    answer = { ...executed, matchingId: 'ABCD-1234', smdpAddress: 'smdp.example' };
    expect(await client.confirmOrder('c3', '8944123456789012348', '1'.repeat(32))).toMatchObject({ matchingId: 'ABCD-1234', smdpAddress: 'smdp.example' });
  });
  it('reports a refusal in the SM-DP+’s words', async () => {
    answer = { header: { functionExecutionStatus: { status: 'Failed', statusCodeData: { subjectCode: '8.2.1', reasonCode: '3.9', message: 'unknown ICCID' } } } };
    await expect(es2plusClient(url, 'key').downloadOrder('c4', '1'.repeat(32))).rejects.toThrow('ES2+ downloadOrder failed: 8.2.1 3.9 unknown ICCID');
  });
});

describe('notification signatures', () => {
  it('hold for the key, the time and the body signed; not for another, a stale or a changed one', () => {
    const now = Date.now();
    const signature = signNotification('k', String(now), '{"a":1}');
    expect(verifyNotification('k', String(now), signature, '{"a":1}', now)).toBe(true);
    expect(verifyNotification('other', String(now), signature, '{"a":1}', now)).toBe(false);
    expect(verifyNotification('k', String(now), signature, '{"a":2}', now)).toBe(false);
    expect(verifyNotification('k', String(now), signature, '{"a":1}', now + 6 * 60_000)).toBe(false);
    expect(verifyNotification('k', undefined, signature, '{"a":1}', now)).toBe(false);
  });
});
