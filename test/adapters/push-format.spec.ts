import { describe, expect, it } from 'vitest';
import { MAX_RECORDS, PushBatch, PushRecord, signalOfPush, signedHeaders, SIGNAL_WINDOW_MS, verifyBatch } from '../../adapters/signals/push-format.ts';
import { readRecords } from '../../application/signals/ingest.ts';
import { ROUTES } from '../../manifest/routes.ts';
import { iccid, imei } from '../support/ids.ts';

/** The push format (adapters/signals/push-format.ts): what an MNO signs and sends, and how it is read. */
const at = '2026-12-05T10:00:00.000Z';
const read = (records: unknown[]) => readRecords(records, (r) => signalOfPush(PushRecord.parse(r)));

describe('the push format', () => {
  it(`a batch of ${MAX_RECORDS} of the largest records fits the route's body limit`, () => {
    const flow = { type: 'flow', iccid: iccid(1) + '0', destinationIPAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', destinationTransportPort: 65535, protocolIdentifier: 17, octetDeltaCount: 999_999_999_999, flowEndMilliseconds: at };
    const body = JSON.stringify({ batchId: 'b'.repeat(128), records: Array.from({ length: MAX_RECORDS }, () => flow) });
    expect(PushBatch.safeParse(JSON.parse(body)).success).toBe(true);
    const route = ROUTES.find((r) => r.path === '/v1/signals/{mnoId}')!;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(route.maxBodyBytes!);
  });

  it('IMEIs as networks report them: the spare 0 for a check digit, or an IMEISV, are taken', () => {
    const session = (seen: string) => ({ type: 'session', iccid: iccid(1), event: 'attach', imei: seen, servingPlmn: '234-15', country: 'GB', timestamp: at });
    const { signals, refused } = read([session(imei(1).slice(0, 14) + '0'), session(imei(1).slice(0, 14) + '12'), session('12345')]);
    expect(signals).toHaveLength(2);
    expect(refused).toEqual([{ index: 2, error: expect.stringContaining('imei') }]);
    expect(refused[0]!.error).not.toContain('12345');
  });

  it('signed with the MNO’s key, within five minutes; anything else says why, and nothing else', () => {
    const body = JSON.stringify({ batchId: 'b1', records: [] });
    const now = Date.parse(at);
    const h = signedHeaders('key', body, now);
    expect(verifyBatch('key', h['x-signal-timestamp'], h['x-signal-signature'], body, now)).toBe('ok');
    expect(verifyBatch('key', undefined, h['x-signal-signature'], body, now)).toBe('unsigned');
    expect(verifyBatch('other', h['x-signal-timestamp'], h['x-signal-signature'], body, now)).toBe('bad-signature');
    expect(verifyBatch('key', h['x-signal-timestamp'], h['x-signal-signature'], body + ' ', now)).toBe('bad-signature');
    expect(verifyBatch('key', h['x-signal-timestamp'], h['x-signal-signature'], body, now + SIGNAL_WINDOW_MS + 1)).toBe('stale');
    expect(verifyBatch('key', h['x-signal-timestamp'], 'zz', body, now)).toBe('bad-signature');
  });
});
