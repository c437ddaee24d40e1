import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../domain/zod-mini.ts';
import type { Signal } from '../../domain/signals/signals.ts';

/**
 * The push format: how an MNO posts network records to `POST /v1/signals/{mnoId}` (Switchboard
 * signal push, v1). Field names follow what operators already export: sessions as their
 * attach/detach records, usage as uplink/downlink octets, SMS as MO/MT records with the other
 * party, flows with IPFIX's information elements (destinationIPAddress, destinationTransportPort,
 * protocolIdentifier, octetDeltaCount, flowEndMilliseconds as an ISO time).
 *
 * The batch is signed by the MNO with its signal key (its credentials' `signalKey`):
 * `X-Signal-Timestamp` (epoch ms) and `X-Signal-Signature` = hex HMAC-SHA256 over
 * `<timestamp>.<body>`; a batch is taken within five minutes of its timestamp, and each
 * `batchId` once.
 */
export const SIGNAL_WINDOW_MS = 5 * 60_000;
export const MAX_RECORDS = 1000;

const Time = z.iso.datetime();
const Iccid = z.string().check(z.regex(/^\d{18,20}$/, 'an ICCID is 18–20 digits'));

const PushSession = z.object({
  type: z.literal('session'),
  iccid: Iccid,
  event: z.enum(['attach', 'detach']),
  imei: z.optional(z.string()),
  servingPlmn: z.string(),
  country: z.string(),
  rat: z.optional(z.string()),
  timestamp: Time,
});
const PushUsage = z.object({
  type: z.literal('usage'),
  iccid: Iccid,
  bytesUplink: z.int().check(z.nonnegative()),
  bytesDownlink: z.int().check(z.nonnegative()),
  timestamp: Time,
});
const PushSms = z.object({ type: z.literal('sms'), iccid: Iccid, direction: z.enum(['MO', 'MT']), otherParty: z.string(), timestamp: Time });
const PushFlow = z.object({
  type: z.literal('flow'),
  iccid: Iccid,
  destinationIPAddress: z.string(),
  destinationTransportPort: z.optional(z.int().check(z.gte(0), z.lte(65535))),
  /** IANA protocol numbers: 6 TCP, 17 UDP, 1 ICMP. */
  protocolIdentifier: z.union([z.literal(6), z.literal(17), z.literal(1)]),
  octetDeltaCount: z.int().check(z.nonnegative()),
  flowEndMilliseconds: Time,
});
export const PushRecord = z.discriminatedUnion('type', [PushSession, PushUsage, PushSms, PushFlow]);
export type PushRecord = z.infer<typeof PushRecord>;

/** A batch: its id (unique per MNO) and its records, each read on its own (a bad record is reported, not fatal). */
export const PushBatch = z.strictObject({
  batchId: z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a batchId is 1–128 of A-Z a-z 0-9 . _ : -')),
  records: z.array(z.unknown()).check(z.minLength(1, 'a batch holds at least one record'), z.maxLength(MAX_RECORDS, `a batch holds at most ${MAX_RECORDS} records`)),
});
export type PushBatch = z.infer<typeof PushBatch>;

const PROTOCOLS = { 6: 'tcp', 17: 'udp', 1: 'icmp' } as const;

/** A pushed record as a signal (the domain's shape); the domain's schema then checks it. */
export const signalOfPush = (r: PushRecord): Record<string, unknown> => {
  switch (r.type) {
    case 'session':
      return { kind: 'session', iccid: r.iccid, event: r.event, imei: r.imei, plmn: r.servingPlmn, country: r.country, rat: r.rat, at: r.timestamp };
    case 'usage':
      return { kind: 'usage', iccid: r.iccid, bytes: r.bytesUplink + r.bytesDownlink, at: r.timestamp };
    case 'sms':
      return { kind: 'sms', iccid: r.iccid, direction: r.direction === 'MO' ? 'mo' : 'mt', party: r.otherParty, at: r.timestamp };
    case 'flow':
      return { kind: 'flow', iccid: r.iccid, destination: r.destinationIPAddress, port: r.destinationTransportPort, protocol: PROTOCOLS[r.protocolIdentifier], bytes: r.octetDeltaCount, at: r.flowEndMilliseconds };
  }
};

/** The signal as an MNO would push it (the simulated MNOs' side, and tests). */
export const pushOfSignal = (s: Signal): PushRecord => {
  switch (s.kind) {
    case 'session':
      return { type: 'session', iccid: s.iccid, event: s.event, ...(s.imei && { imei: s.imei }), servingPlmn: s.plmn, country: s.country, ...(s.rat && { rat: s.rat }), timestamp: s.at };
    case 'usage':
      return { type: 'usage', iccid: s.iccid, bytesUplink: Math.floor(s.bytes / 4), bytesDownlink: s.bytes - Math.floor(s.bytes / 4), timestamp: s.at };
    case 'sms':
      return { type: 'sms', iccid: s.iccid, direction: s.direction === 'mo' ? 'MO' : 'MT', otherParty: s.party, timestamp: s.at };
    case 'flow':
      return {
        type: 'flow',
        iccid: s.iccid,
        destinationIPAddress: s.destination,
        ...(s.port !== undefined && { destinationTransportPort: s.port }),
        protocolIdentifier: s.protocol === 'tcp' ? 6 : s.protocol === 'udp' ? 17 : 1,
        octetDeltaCount: s.bytes,
        flowEndMilliseconds: s.at,
      };
  }
};

export const signBatch = (key: string, timestamp: string, body: string) => createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');

/** The headers an MNO sends with a batch. */
export const signedHeaders = (key: string, body: string, nowMs: number) => {
  const timestamp = String(nowMs);
  return { 'x-signal-timestamp': timestamp, 'x-signal-signature': signBatch(key, timestamp, body) };
};

export type Verdict = 'ok' | 'unsigned' | 'stale' | 'bad-signature';

/** Whether a batch is the MNO's, and recent. Constant-time comparison. */
export const verifyBatch = (key: string, timestamp: string | undefined, signature: string | undefined, body: string, nowMs: number): Verdict => {
  if (!timestamp || !signature) return 'unsigned';
  if (!/^\d{10,13}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return 'bad-signature';
  if (!timingSafeEqual(Buffer.from(signBatch(key, timestamp, body), 'hex'), Buffer.from(signature, 'hex'))) return 'bad-signature';
  if (Math.abs(nowMs - Number(timestamp)) > SIGNAL_WINDOW_MS) return 'stale';
  return 'ok';
};
