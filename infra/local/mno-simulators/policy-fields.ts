import { isIP } from 'node:net';
import * as z from 'zod';

/**
 * The checks a CMP makes on each policy value, shared by the three styles so that they refuse
 * the same things whatever their wire format: APN names, CIDRs, port lists, E.164 numbers or
 * prefixes, ISO 3166 alpha-2 countries, PLMN ids (MCC-MNC), caps.
 */

export const isApn = (s: string) => s.length <= 100 && /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s);

export const isIpAddress = (s: string) => isIP(s) !== 0;

export const isCidr = (s: string) => {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const version = isIP(m[1]!);
  const prefix = Number(m[2]);
  return (version === 4 && prefix <= 32) || (version === 6 && prefix <= 128);
};

/** `*` (every port) or a comma list of ports and ranges: `443,8000-8080`. */
export const isPortList = (s: string) =>
  s === '*' ||
  s.split(',').every((part) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!m) return false;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    return from >= 1 && to <= 65535 && from <= to;
  });

export const PROTOCOLS = ['tcp', 'udp', 'any'] as const;
export const isProtocol = (s: string): s is (typeof PROTOCOLS)[number] => (PROTOCOLS as readonly string[]).includes(s);

/** A whole E.164 number, or a prefix of one written with a trailing `*` (`+49*`), with or without the leading `+`. */
export const isE164Prefix = (s: string) => /^\+?[1-9]\d{0,14}\*?$/.test(s);

export const isCountry = (s: string) => /^[A-Z]{2}$/.test(s);

/** MCC-MNC with a dash, as the REST and job APIs write it: `262-01`, `310-260`. */
export const isPlmn = (s: string) => /^\d{3}-\d{2,3}$/.test(s);

const check = (test: (s: string) => boolean, message: string) => z.string().refine(test, { message });

export const Apn = check(isApn, 'not an APN name');
export const Cidr = check(isCidr, 'not a CIDR block (address/prefix)');
export const PortList = check(isPortList, 'not * or a list of ports and ranges like 443,8000-8080');
export const Protocol = z.enum(PROTOCOLS);
export const E164Prefix = check(isE164Prefix, 'not an E.164 number or prefix');
export const Country = check(isCountry, 'not an ISO 3166-1 alpha-2 country code');
export const Plmn = check(isPlmn, 'not a PLMN id (MCC-MNC)');
export const IpAddress = check(isIpAddress, 'not an IP address');
/** A monthly cap; null means none. */
export const Cap = z.int().min(0).nullable();

/** ICCIDs as CMPs take them: 18 to 22 digits (the check digit is the platform's business). */
export const isIccid = (s: string) => /^\d{18,22}$/.test(s);

/** The issues of a failed parse, as `{ path, message }`. */
export const issuesOf = (error: z.ZodError) => error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

/** Profile ids are the client's choice; CMPs take short, plain ones. */
export const isProfileId = (s: string) => /^[A-Za-z0-9._:-]{1,128}$/.test(s);
