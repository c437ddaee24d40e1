import { PushBatch } from '../../../../adapters/signals/push-format.ts';
import type { nextPackage } from '../../../../application/sims/eim.ts';
import { Recorded, SignalBatchAccepted, WaitingForDevice } from '../../../../application/views/inbound.schema.ts';
import type * as z from '../../../../domain/zod-mini.ts';
import { Notification } from '../../es2plus/requests.ts';
import { NextPackageRequest, PackageResult } from '../../esipa/requests.ts';
import { named, type Fits, type Operations } from '../operation.ts';

export type WaitingAnswer = Fits<Exclude<Awaited<ReturnType<typeof nextPackage>>, undefined>, z.output<typeof WaitingForDevice>>;

const RecordedAnswer = named('Recorded', Recorded);

/** How a device's eUICC proves itself on the ESipa routes. */
const EUICC_SIGNED =
  'No token: the body carries flattened JWS (ES256, `{ protected, payload, signature }`, base64url): what the eUICC signed with its key, and `certificate`, the eUICC’s certificate (payload `{ eid, publicJwk }`) signed by an EUM Switchboard trusts, for the EID in the path. ' +
  'Both are checked before anything is read or recorded; any that does not hold (a bad signature, an unknown EUM, another EID, a payload that does not fit) is a 401 `signature-refused` that says no more.';

export const INBOUND_OPERATIONS = {
  'POST /v1/esipa/{eid}/packages/next': {
    operationId: 'getNextEimPackage',
    summary: 'What waits for the device (SGP.32 ESipa GetEimPackage)',
    description:
      `${EUICC_SIGNED} \`request\` is signed over \`{ eid, at }\`: \`at\` within five minutes of now, or a 403 \`stale-request\`. ` +
      'Answers `{ downloadTrigger }` first: a profile ordered for this SIM, its activation code (payload `{ eimId, eid, iccid, activationCode }`) signed by the eIM, handed out for this device alone and once per fresh request. ' +
      'Otherwise `{ package }`: the oldest eIM package its eUICC has not answered (payload `{ eimId, eid, counter, transactionId, psmos }`), signed by the eIM. 204 when nothing waits. Never cached.',
    tag: 'Devices (ESipa)',
    body: named('NextEimPackageRequest', NextPackageRequest),
    responses: {
      200: { description: 'A download trigger or a package, signed by the eIM', body: named('WaitingForDevice', WaitingForDevice), headers: ['cache-control'] },
      204: { description: 'Nothing waits for the device', headers: ['cache-control'] },
    },
    problems: ['signature-refused', 'stale-request', 'sim-not-found', 'no-trigger'],
  },
  'POST /v1/esipa/{eid}/results': {
    operationId: 'provideEimPackageResult',
    summary: 'The eUICC’s result of a package (SGP.32 ESipa ProvideEimPackageResult)',
    description:
      `${EUICC_SIGNED} \`result\` is signed over \`{ eimId, eid, counter, transactionId, seq, outcome }\`, \`outcome\` being \`{ results }\` (one per PSMO of the package, in its order) or \`{ refused }\`. ` +
      'Recorded on the SIM once: `recorded` is false for a result recorded before. A result for another eIM, a package never queued (or of another transaction), or results that do not answer the package’s PSMOs one for one are a 400.',
    tag: 'Devices (ESipa)',
    body: named('EimPackageResult', PackageResult),
    responses: { 200: { description: 'Whether the result was recorded now', body: RecordedAnswer } },
    problems: ['signature-refused', 'not-our-package', 'unknown-package', 'result-not-of-package', 'sim-not-found'],
  },
  'POST /v1/es2plus/{mnoId}/handleDownloadProgressInfo': {
    operationId: 'handleDownloadProgressInfo',
    summary: 'An SM-DP+’s download progress notification (SGP.22 ES2+ HandleDownloadProgressInfo)',
    description:
      'No token: the MNO’s SM-DP+ signs the notification with that MNO’s ES2+ key, in two headers: `X-Es2Plus-Timestamp` (Unix time in milliseconds) and `X-Es2Plus-Signature` (hex HMAC-SHA256 over `<timestamp>.<body>`, the body’s bytes as sent). ' +
      'The signature is checked before the body is read; an unknown MNO, one without an ES2+ key, a missing or wrong signature or a timestamp more than five minutes from now is a 401. In AWS the route also sits behind mutual TLS. ' +
      'Notification points 1 (eligibility), 3 (download) and 4 (installation) are recorded on the SIM that holds the profile (once per `functionCallIdentifier`); other points are taken and not recorded (`recorded: false`). ' +
      'A successful installation deletes the profile’s activation code. A profile no SIM holds is a 404; one of another MNO a 403.',
    tag: 'SM-DP+ (ES2+)',
    body: named('DownloadProgressInfo', Notification),
    responses: { 200: { description: 'Whether the notification was recorded now', body: RecordedAnswer } },
    problems: ['signature-refused', 'profile-not-found', 'not-your-profile'],
  },
  'POST /v1/signals/{mnoId}': {
    operationId: 'pushSignals',
    summary: 'An MNO pushes a batch of network records',
    description:
      'No token: the batch is signed with the MNO’s signal key, in two headers: `X-Signal-Timestamp` (Unix time in milliseconds) and `X-Signal-Signature` (hex HMAC-SHA256 over `<timestamp>.<body>`, the body’s bytes as sent), checked before any record is read or anything stored. ' +
      'Unsigned is a 401 `signature-required`; an unknown MNO, one without a signal key or a wrong signature a 401 `signature-refused`; a timestamp more than five minutes from now a 401 `signature-stale`; a quarantined MNO’s batch a 403. ' +
      'Up to 512 KiB and 1–1000 records; each `batchId` is taken once per MNO (again: 409). Each record is read on its own, in the push format: ' +
      '`session` (`iccid`, `event` attach|detach, `servingPlmn`, `country`, `timestamp`, optional `imei`, `rat`), `usage` (`iccid`, `bytesUplink`, `bytesDownlink`, `timestamp`), ' +
      '`sms` (`iccid`, `direction` MO|MT, `otherParty`, `timestamp`), `flow` (`iccid`, `destinationIPAddress`, optional `destinationTransportPort`, `protocolIdentifier` 6|17|1, `octetDeltaCount`, `flowEndMilliseconds`), times in ISO 8601. ' +
      'The records that fit are queued for the signal consumer and each bad one is named by its index; a batch with none that fits is a 400.',
    tag: 'Network signals',
    body: named('SignalBatch', PushBatch),
    responses: { 202: { description: 'Taken: the records queued, and those refused', body: named('SignalBatchAccepted', SignalBatchAccepted) } },
    problems: ['signature-required', 'signature-refused', 'signature-stale', 'mno-quarantined', 'no-valid-records', 'batch-replayed', 'batch-in-flight'],
  },
} satisfies Operations;
