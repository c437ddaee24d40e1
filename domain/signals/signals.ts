import { z } from 'zod';
import { Iccid, Imei } from '../identifiers/index.ts';
import { Country, Plmn } from '../mno/events.ts';
import { parseIpAddress } from '../policy/addresses.ts';

/**
 * What the network says a SIM did, in the shapes MNOs deliver (sessions, usage, SMS records, flow
 * records), reduced to what detection needs. Signals are not events: they arrive in volume, are
 * counted and checked, and only what they reveal (a detection) is recorded.
 */
const At = z.iso.datetime();

/** A data session attached or detached: the device (IMEI) and the network it attached on. */
export const SessionSignal = z.strictObject({
  kind: z.literal('session'),
  iccid: Iccid,
  event: z.enum(['attach', 'detach']),
  imei: Imei.optional(),
  plmn: Plmn,
  country: Country,
  rat: z.enum(['2G', '3G', '4G', '5G', 'NB-IoT', 'LTE-M']).optional(),
  at: At,
});

/** Bytes used since the last usage record. */
export const UsageSignal = z.strictObject({ kind: z.literal('usage'), iccid: Iccid, bytes: z.int().nonnegative(), at: At });

/** One SMS, sent by the device (MO) or to it (MT), with the other party's number (E.164). */
export const SmsSignal = z.strictObject({ kind: z.literal('sms'), iccid: Iccid, direction: z.enum(['mo', 'mt']), party: z.string().regex(/^\+[1-9]\d{7,14}$/, 'an E.164 number'), at: At });

/** A flow the device opened: where to, how, and how much. */
export const FlowSignal = z.strictObject({
  kind: z.literal('flow'),
  iccid: Iccid,
  destination: z.string().refine((ip) => parseIpAddress(ip) !== undefined, 'an IPv4 or IPv6 address'),
  port: z.int().min(0).max(65535).optional(),
  protocol: z.enum(['tcp', 'udp', 'icmp']),
  bytes: z.int().nonnegative(),
  at: At,
});

export const Signal = z.discriminatedUnion('kind', [SessionSignal, UsageSignal, SmsSignal, FlowSignal]);
export type Signal = z.infer<typeof Signal>;
