import * as z from '../zod-mini.ts';

/**
 * IPv4 and IPv6 addresses and CIDR blocks as numbers, so that allow-lists can be checked for
 * duplicates and overlaps whatever the spelling (`2001:DB8::/32` is `2001:db8:0::/32`).
 * Written out here, not taken from Node's net module: the domain is pure and runs anywhere.
 */
export type IpVersion = 4 | 6;
export interface IpAddress {
  version: IpVersion;
  value: bigint;
}
export interface CidrBlock extends IpAddress {
  prefix: number;
}

const width = (version: IpVersion) => (version === 4 ? 32 : 128);

/** Dotted quad; leading zeros are refused (some stacks read them as octal). */
const parseIpv4 = (text: string): bigint | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
};

/** RFC 4291 text form: eight groups, `::` once at most, an IPv4 tail allowed; no zone id. */
const parseIpv6 = (text: string): bigint | undefined => {
  let s = text;
  if (s.includes('.')) {
    const cut = s.lastIndexOf(':') + 1;
    const v4 = parseIpv4(s.slice(cut));
    if (cut === 0 || v4 === undefined) return undefined;
    s = `${s.slice(0, cut)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (!groups.flat().every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const [head = [], tail = []] = groups;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...Array<string>(8 - count).fill('0'), ...tail];
  return all.reduce((v, g) => (v << 16n) | BigInt(`0x${g}`), 0n);
};

export const parseIpAddress = (text: string): IpAddress | undefined => {
  const version: IpVersion = text.includes(':') ? 6 : 4;
  const value = version === 4 ? parseIpv4(text) : parseIpv6(text);
  return value === undefined ? undefined : { version, value };
};

export const formatIpAddress = ({ version, value }: IpAddress): string => {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
};

/** A CIDR block, or why the text is not one. Host bits set (10.0.0.1/8) are refused: see document.ts. */
export const parseCidr = (text: string): CidrBlock | { error: string } => {
  const match = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  const address = match?.[1] === undefined ? undefined : parseIpAddress(match[1]);
  if (!match || !address) return { error: 'not a CIDR block: write address/prefix, e.g. 10.20.0.0/16 or 2001:db8::/32' };
  const prefix = Number(match[2]);
  const bits = width(address.version);
  if (prefix > bits) return { error: `an IPv${address.version} prefix is 0–${bits}, not ${prefix}` };
  const hostBits = BigInt(bits - prefix);
  const network = (address.value >> hostBits) << hostBits;
  if (network !== address.value) {
    const net = formatIpAddress({ version: address.version, value: network });
    const host = formatIpAddress(address);
    return { error: `${text} has host bits set: write the network ${net}/${prefix}, or ${host}/${bits} for the one host` };
  }
  return { ...address, prefix };
};

/** Two CIDR blocks overlap when the larger one contains the smaller (blocks never partly overlap). */
export const blocksOverlap = (a: CidrBlock, b: CidrBlock): boolean => {
  if (a.version !== b.version) return false;
  const shift = BigInt(width(a.version) - Math.min(a.prefix, b.prefix));
  return a.value >> shift === b.value >> shift;
};

export const sameBlock = (a: CidrBlock, b: CidrBlock): boolean => a.version === b.version && a.prefix === b.prefix && a.value === b.value;

/** A CIDR block as text, checked (see parseCidr); the text is kept as written. */
export const Cidr = z.string().check(
  z.superRefine((text, ctx) => {
    const block = parseCidr(text);
    if ('error' in block) ctx.addIssue({ code: 'custom', message: block.error });
  }),
);

/** One IPv4 or IPv6 address (no prefix, no zone id); the unspecified address is refused. */
export const IpAddressText = z.string().check(
  z.superRefine((text, ctx) => {
    const address = parseIpAddress(text);
    if (!address) ctx.addIssue({ code: 'custom', message: 'not an IP address: write e.g. 203.0.113.10 or 2001:db8::10' });
    else if (address.value === 0n) ctx.addIssue({ code: 'custom', message: `${text} is the unspecified address, not a host` });
  }),
);

/** Key of a parsed CIDR for overlap checks; undefined when the text is not a CIDR. */
export const cidrKey = (text: string): CidrBlock | undefined => {
  const block = parseCidr(text);
  return 'error' in block ? undefined : block;
};
