import { createHash } from 'node:crypto';
import type { S3Event } from 'aws-lambda';
import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { countSignalBatchRefused } from '../../adapters/observability/metrics.ts';
import { MAX_CDR_BYTES, readCdr } from '../../adapters/signals/cdr-format.ts';
import { verifyCdr } from '../../adapters/signals/cdr-signature.ts';
import { queueFileSignals } from '../../application/signals/files.ts';
import { loadMno } from '../../application/mnos.ts';
import { MnoId } from '../../domain/identifiers/index.ts';
import { checked, lambdaHandler } from '../lambda/handler.ts';
import { signalFiles } from '../lambda/signal-files-wiring.ts';
import { signalQueue } from '../lambda/signal-queue-wiring.ts';
import { signalKeyOf } from '../lambda/inbound-keys-wiring.ts';
import { fileBatchIds } from '../lambda/signal-wiring.ts';
import { adapters } from '../lambda/wiring.ts';

const S3Records = z.object({
  Records: z.array(z.looseObject({ s3: z.looseObject({ object: z.looseObject({ key: z.string(), size: z.optional(z.number()), eTag: z.optional(z.string()) }) }) })),
});

/** `<mno id>/<name>.csv`: the MNO whose prefix it is (the bucket lets each MNO write only its own). */
const KEY = /^([a-z0-9][a-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,200}\.csv)$/;

const one = async (rawKey: string, size: number | undefined) => {
  // S3 event keys are URL-encoded, spaces as '+'.
  const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  const match = KEY.exec(key);
  if (!match || !MnoId.safeParse(match[1]).success) {
    logger.warn('signal file refused: not <mno id>/<name>.csv', { key: key.slice(0, 300) });
    return countSignalBatchRefused('bad-file-name');
  }
  const mno = match[1]!;
  const registration = await loadMno(adapters.eventStore, mno);
  if (registration.status === 'unknown' || registration.status === 'quarantined') {
    logger.warn('signal file refused: the MNO is not registered or is quarantined', { key, mno });
    return countSignalBatchRefused(registration.status === 'unknown' ? 'unknown-mno' : 'quarantined');
  }
  const files = signalFiles();
  // Too large to read (as the notification says): reported, never downloaded.
  if (size !== undefined && size > MAX_CDR_BYTES) {
    logger.warn('signal file refused: too large', { key, mno, size });
    return files.report(key, { key, mno, accepted: 0, refused: [], refusedCount: 0, fatal: `the file is ${size} bytes, over the ${MAX_CDR_BYTES} a file may be: split it` });
  }
  const { text, signature } = await files.read(key);
  // The MNO's own signature, whoever could write to its prefix: unsigned or wrongly signed, nothing in it is read.
  const signalKey = await signalKeyOf(mno);
  if (!signalKey || !verifyCdr(signalKey, key, text, signature)) {
    logger.warn('signal file refused: not signed with the MNO’s signal key', { key, mno, signed: signature !== undefined });
    countSignalBatchRefused(signature === undefined ? 'unsigned-file' : 'bad-file-signature');
    return files.report(key, { key, mno, accepted: 0, refused: [], refusedCount: 0, fatal: 'the file is not signed with this MNO’s signal key (x-amz-meta-signature: HMAC-SHA256 over "<key>\\n<sha256 of the file>")' });
  }
  const { signals, refused, fatal } = readCdr(text);
  const report = { key, mno, accepted: signals.length, refused: refused.slice(0, 1000), refusedCount: refused.length, ...(fatal && { fatal }) };
  if (fatal || refused.length > 0) logger.warn('signal file with refused lines', { key, mno, fatal, refusedCount: refused.length, first: refused.slice(0, 5) });
  if (!fatal) {
    // Named by its content (not its ETag, which a copy or a multipart upload changes): the same file dropped again is queued once.
    await queueFileSignals({ queue: signalQueue(), batchIds: fileBatchIds(), nowMs: Date.now }, mno, `${key}@${createHash('sha256').update(text).digest('hex').slice(0, 32)}`, signals);
  }
  await files.report(key, report);
};

/**
 * A CDR file an MNO dropped in the signals bucket (S3 event notification; locally, the watched
 * folder): its lines read (adapters/signals/cdr-format.ts), those that fit queued for the signal
 * consumer in chunks, each chunk once however often the file is notified; the refused lines (their
 * numbers and why, never their values) written to `reports/<key>.json` and logged. A file of no
 * MNO, of one quarantined, or not signed with its signal key (cdr-format.ts `signCdr`), is not read.
 */
export const handler = lambdaHandler(checked<S3Event>(S3Records), async (event) => {
  for (const record of event.Records) await one(record.s3.object.key, record.s3.object.size);
});
