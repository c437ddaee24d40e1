import type * as z from '../../../domain/zod-mini.ts';
import type { SignalBatchAccepted } from '../../../application/views/inbound.schema.ts';
import { countSignalBatchRefused } from '../../../adapters/observability/metrics.ts';
import { PushBatch, PushRecord, signalOfPush, verifyBatch } from '../../../adapters/signals/push-format.ts';
import { loadMno } from '../../../application/mnos.ts';
import { readRecords } from '../../../application/signals/ingest.ts';
import { BatchInFlight, sendOnce } from '../../../application/signals/ports.ts';
import { signalQueue } from '../../lambda/signal-queue-wiring.ts';
import { signalKeyOf } from '../../lambda/inbound-keys-wiring.ts';
import { batchIds } from '../../lambda/signal-wiring.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { bodyOf, mnoParam } from '../request.ts';
import { json } from '../responses.ts';

/** A pushed record in the push format, as a signal (the domain's schema checks it next). */
const fromPush = (record: unknown) => {
  const parsed = PushRecord.safeParse(record);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; '));
  return signalOfPush(parsed.data);
};

const UNSIGNED = 'a signal batch is signed: X-Signal-Timestamp and X-Signal-Signature (HMAC-SHA256 with the MNO’s signal key over "<timestamp>.<body>")';

const refused = (reason: string, status: number, code: string, detail: string) => {
  countSignalBatchRefused(reason);
  return problem(status, code, detail);
};

/**
 * POST /v1/signals/{mnoId}: an MNO pushes network records (adapters/signals/push-format.ts), up to
 * 512 KiB. No token: the batch is signed with the MNO's signal key (`X-Signal-Timestamp`,
 * `X-Signal-Signature`, HMAC-SHA256 over `<timestamp>.<body>`), checked before any record is read
 * or anything stored; an unknown MNO, one
 * without a key, an unsigned or wrongly signed batch are 401, an old one (over five minutes) 401
 * `stale`; a quarantined MNO's 403; a batch id seen before 409. Then 202 `{ accepted, refused }`:
 * the records that fit are queued for the signal consumer, each bad one named by its index.
 */
export const handler = httpHandler('POST /v1/signals/{mnoId}', async (request) => {
  const mno = mnoParam(request);
  // Unsigned: refused alike whether or not the MNO exists (no way to learn which MNOs do).
  if (!request.headers['x-signal-timestamp'] || !request.headers['x-signal-signature']) throw refused('unsigned', 401, 'signature-required', UNSIGNED);
  const registration = await loadMno(adapters.eventStore, mno);
  const raw = request.isBase64Encoded && request.body ? Buffer.from(request.body, 'base64').toString('utf8') : (request.body ?? '');
  const key = registration.status === 'unknown' ? undefined : await signalKeyOf(mno);
  const verdict = key ? verifyBatch(key, request.headers['x-signal-timestamp'], request.headers['x-signal-signature'], raw, Date.now()) : 'bad-signature';
  if (verdict === 'unsigned') throw refused(verdict, 401, 'signature-required', UNSIGNED);
  if (verdict === 'bad-signature') throw refused(verdict, 401, 'signature-refused', 'the batch is not signed with this MNO’s signal key');
  if (verdict === 'stale') throw refused(verdict, 401, 'signature-stale', 'the batch’s timestamp is more than five minutes from now: sign it again when sending it');
  if (registration.status === 'quarantined') throw refused('quarantined', 403, 'mno-quarantined', 'the MNO is quarantined: its records are not taken');
  const batch = bodyOf(request, PushBatch);
  const { signals, refused: bad } = readRecords(batch.records, fromPush);
  if (signals.length === 0) throw problem(400, 'no-valid-records', `none of the ${batch.records.length} records fits the push format: ${bad.slice(0, 3).map((r) => `record ${r.index}: ${r.error}`).join('; ')}`);
  const outcome = await sendOnce(batchIds(), signalQueue(), { mno, batchId: batch.batchId, receivedAt: new Date().toISOString(), signals }).catch((error: Error) => {
    // Another request with this batch is being taken now (or stopped while it was): the MNO sends it again later, and it is taken then.
    if (error instanceof BatchInFlight) throw problem(503, 'batch-in-flight', `batch ${batch.batchId} is being taken by another request: send it again in a minute`, undefined, { 'retry-after': '60' });
    throw error;
  });
  if (outcome === 'already') throw refused('replayed', 409, 'batch-replayed', `batch ${batch.batchId} was taken already`);
  return json(202, { batchId: batch.batchId, accepted: signals.length, refused: bad } satisfies z.output<typeof SignalBatchAccepted>);
});
