import * as z from '../zod-mini.ts';
import { Iccid } from '../identifiers/index.ts';
import { Country, Plmn } from '../mno/events.ts';
import { parseIpAddress } from '../policy/addresses.ts';

/**
 * What the network says a SIM did, in the shapes MNOs deliver (sessions, usage, SMS records, flow
 * records), reduced to what detection needs. Signals are not events: they arrive in volume, are
 * counted and checked, and only what they reveal (a detection) is recorded.
 */
/** When, as the network says (UTC, at most millisecond precision: longer fractions are refused). */
const At = z.iso.datetime().check(z.regex(/^[^.]+(?:\.\d{1,3})?Z$/, 'a time is UTC (Z) to at most the millisecond'));

/**
 * A device's IMEI as networks report it: 15 digits (whose last, the check digit, a device does not
 * send and networks often report as a spare 0, 3GPP TS 23.003 §6.2.1) or the IMEISV's 16. Compared
 * by TAC and serial number, the first 14 (detectors.ts `sameDevice`).
 */
const ReportedImei = z.string().check(z.regex(/^\d{15,16}$/, 'an IMEI is 15 digits (or an IMEISV 16)'));

/** A data session attached or detached: the device (IMEI) and the network it attached on. */
export const SessionSignal = z.strictObject({
  kind: z.literal('session'),
  iccid: Iccid,
  event: z.enum(['attach', 'detach']),
  imei: z.optional(ReportedImei),
  plmn: Plmn,
  country: Country,
  rat: z.optional(z.enum(['2G', '3G', '4G', '5G', 'NB-IoT', 'LTE-M'])),
  at: At,
});

/** Bytes used since the last usage record. */
export const UsageSignal = z.strictObject({ kind: z.literal('usage'), iccid: Iccid, bytes: z.int().check(z.nonnegative()), at: At });

/**
 * The other party of an SMS: an E.164 number, a short code (3–8 digits) or an alphanumeric sender
 * id (up to 11 characters, GSM 03.40). Only numbers can be on an allow-list, so the others are never
 * allowed where a list is set.
 */
export const SMS_PARTY = /^(?:\+[1-9]\d{7,14}|\d{3,8}|[A-Za-z0-9][A-Za-z0-9 .&-]{0,10})$/;

/** One SMS, sent by the device (MO) or to it (MT), with the other party. */
export const SmsSignal = z.strictObject({
  kind: z.literal('sms'),
  iccid: Iccid,
  direction: z.enum(['mo', 'mt']),
  party: z.string().check(z.regex(SMS_PARTY, 'an E.164 number, a short code or an alphanumeric sender id')),
  at: At,
});

/** A flow the device opened: where to, how, and how much. */
export const FlowSignal = z.strictObject({
  kind: z.literal('flow'),
  iccid: Iccid,
  destination: z.string().check(z.refine((ip) => parseIpAddress(ip) !== undefined, 'an IPv4 or IPv6 address')),
  port: z.optional(z.int().check(z.gte(0), z.lte(65535))),
  protocol: z.enum(['tcp', 'udp', 'icmp']),
  bytes: z.int().check(z.nonnegative()),
  at: At,
});

export const Signal = z.discriminatedUnion('kind', [SessionSignal, UsageSignal, SmsSignal, FlowSignal]);
export type Signal = z.infer<typeof Signal>;
