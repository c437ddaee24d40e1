import type * as z from '../../../domain/zod-mini.ts';
import type { Recorded } from '../../../application/views/inbound.schema.ts';
import { verifyNotification } from '../../../adapters/smdp/es2plus.ts';
import { loadMno } from '../../../application/mnos.ts';
import { recordDownloadProgress } from '../../../application/sims/order-profile.ts';
import { activationCodes } from '../../lambda/eim-wiring.ts';
import { notificationKeyOf } from '../../lambda/inbound-keys-wiring.ts';
import { adapters, config } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { bodyOf, mnoParam } from '../request.ts';
import { json } from '../responses.ts';
import { Notification } from './requests.ts';

/** SGP.22 notification points: 1 eligibility and retry limit check, 3 BPP download, 4 BPP installation. */
const POINTS = { 1: 'eligibility', 3: 'download', 4: 'installation' } as const;

/**
 * POST /v1/es2plus/{mnoId}/handleDownloadProgressInfo (SGP.22 ES2+ HandleDownloadProgressInfo; no
 * token: the MNO's SM-DP+ signs it with its ES2+ key, `X-Es2Plus-Timestamp` and
 * `X-Es2Plus-Signature`, checked before anything is read; in AWS it also sits behind mutual TLS)
 * → 200 `{ recorded }`. 401 when the signature does not hold or is older than five minutes; 403 for
 * a profile of another MNO.
 */
export const handler = httpHandler('POST /v1/es2plus/{mnoId}/handleDownloadProgressInfo', async (request) => {
  const mno = mnoParam(request);
  const registration = await loadMno(adapters.eventStore, mno);
  // The bytes as signed (API Gateway may hand a body over base64-encoded).
  const raw = request.isBase64Encoded && request.body ? Buffer.from(request.body, 'base64').toString('utf8') : (request.body ?? '');
  // An MNO without an ES2+ key cannot sign; a secret store that does not answer is an outage of ours (5xx), not a refusal.
  const key = registration.status === 'unknown' ? undefined : await notificationKeyOf(mno);
  if (!key || !verifyNotification(key, request.headers['x-es2plus-timestamp'], request.headers['x-es2plus-signature'], raw, Date.now()))
    throw problem(401, 'signature-refused', 'the notification is not signed with this MNO’s ES2+ key, or not recently');
  const n = bodyOf(request, Notification);
  const point = POINTS[n.notificationPointId as keyof typeof POINTS];
  // Points Switchboard does not follow (confirmation failure, deletion…): taken, nothing recorded.
  if (!point) return json(200, { recorded: false } satisfies z.output<typeof Recorded>);
  const failed = n.notificationPointStatus.status === 'Failed';
  const data = n.notificationPointStatus.statusCodeData;
  const { changed } = await recordDownloadProgress(
    adapters.eventStore,
    activationCodes(),
    { mno, callId: n.header.functionCallIdentifier, iccid: n.iccid, eid: n.eid, point, ok: !failed, reason: failed ? `${data?.subjectCode ?? '?'} ${data?.reasonCode ?? '?'} ${data?.message ?? ''}`.trim() : undefined },
    config.region,
  );
  return json(200, { recorded: changed } satisfies z.output<typeof Recorded>);
});
