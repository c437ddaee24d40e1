import * as z from 'zod';
import { Imei } from '../../../domain/identifiers/index.ts';
import { Country, Plmn } from '../../../domain/mno/events.ts';
import { parseIpAddress } from '../../../domain/policy/addresses.ts';
import { countryOfPlmn } from './mcc-countries.ts';

/**
 * What a simulated SIM can be made to do wrong (`PUT /_sim/traffic/{iccid}`): attach with another
 * device or on another network, open a flow somewhere, use data at a rate, receive an SMS. Read
 * with the domain's own rules (a Luhn-valid IMEI, `MCC-MNC`, ISO country, E.164), so that every
 * record it makes is one Switchboard's ingestion takes.
 */
export interface TrafficAnomaly {
  /** Attach with this device (15 digits, Luhn). */
  imei?: string;
  /** Attach on this PLMN (`MCC-MNC`); its country from the MCC unless `country` names it. */
  plmn?: string;
  /** ISO 3166 alpha-2: the country of the attach (required when the PLMN's MCC names none, e.g. 901). */
  country?: string;
  /** A TCP flow to `ip:port` (IPv6 as `[addr]:port`). */
  destination?: string;
  /** Data used at this rate (bytes a minute). */
  bytesPerMinute?: number;
  /** An MT SMS from this number (E.164). */
  smsFrom?: string;
}

/** `ip:port` or `[ipv6]:port` → its parts, or undefined when it is neither. */
export const parseDestination = (text: string): { ip: string; port: number } | undefined => {
  const match = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([0-9.]+):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535 || !parseIpAddress(match[1]!)) return undefined;
  return { ip: match[1]!, port };
};

export const TrafficAnomalySchema = z
  .strictObject({
    imei: z.optional(Imei),
    plmn: z.optional(Plmn),
    country: z.optional(Country),
    destination: z.string().refine((d) => parseDestination(d) !== undefined, "a destination is 'ip:port' (IPv6 as '[addr]:port'), port 1–65535").optional(),
    bytesPerMinute: z.number().positive().max(1e12).optional(),
    smsFrom: z.string().regex(/^\+[1-9]\d{7,14}$/, 'an E.164 number, e.g. +491701234567').optional(),
  })
  .superRefine((a, ctx) => {
    if (Object.values(a).every((v) => v === undefined))
      ctx.addIssue({ code: 'custom', path: [], message: 'an anomaly sets at least one of imei, plmn, country, destination, bytesPerMinute, smsFrom' });
    if (a.plmn && !a.country && !countryOfPlmn(a.plmn))
      ctx.addIssue({ code: 'custom', path: ['country'], message: `required: no country is known for MCC ${a.plmn.slice(0, 3)} (of plmn ${a.plmn})` });
  });

export type AnomalyParse = { anomaly: TrafficAnomaly; error?: undefined } | { error: string; issues: Array<{ path: string; message: string }> };

/** A body read as an anomaly, or what is wrong with it, field by field. */
export const parseAnomaly = (body: unknown): AnomalyParse => {
  const parsed = TrafficAnomalySchema.safeParse(body);
  if (parsed.success) return { anomaly: parsed.data };
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : ''),
    message: i.message,
  }));
  return { error: `invalid anomaly: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, issues };
};
