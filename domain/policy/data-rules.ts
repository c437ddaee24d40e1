import * as z from '../zod-mini.ts';
import { blocksOverlap, Cidr, cidrKey, sameBlock, type CidrBlock } from './addresses.ts';
import { equalMeansDuplicate, noOverlaps, type Relation } from './allow-list.ts';

/**
 * Data rules: which APNs a SIM may open sessions on, which destinations its traffic may reach,
 * and whether it may break out to the internet.
 *
 * Empty lists are refused here, because each would make the SIM unreachable over data rather
 * than express a restriction: `apns: []` means no data session can ever be established, and
 * `destinations: []` means sessions open but carry no packet, nor does an entry with `ports: []`.
 * To allow any APN or destination, leave the rule out; to stop a SIM's data, suspend the SIM.
 */

/** An APN network identifier (3GPP TS 23.003 §9.1): dot-separated labels, compared case-insensitively. */
const Apn = z.string().check(
  z.maxLength(100, 'an APN name is at most 100 characters'),
  z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/, {
    message: 'an APN name is dot-separated labels of letters, digits and inner hyphens, e.g. iot.example.com',
    abort: true,
  }),
  z.refine((apn) => !/\.gprs$/i.test(apn), 'write the APN network identifier only, without the operator part (….mncXXX.mccYYY.gprs)'),
);

export type PortSpec = number | `${number}-${number}`;
export interface PortRange {
  from: number;
  to: number;
}

const inRange = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;

/** A port (443) or an inclusive range ("8000-8099"), or why it is neither. */
export const parsePort = (spec: unknown): PortRange | { error: string } => {
  if (typeof spec === 'number') return inRange(spec) ? { from: spec, to: spec } : { error: `a port is a whole number 1–65535, not ${spec}` };
  const match = typeof spec === 'string' ? /^(\d{1,5})-(\d{1,5})$/.exec(spec) : null;
  if (!match) return { error: 'a port is a number (443) or a "from-to" range ("8000-8099")' };
  const [from, to] = [Number(match[1]), Number(match[2])];
  if (!inRange(from) || !inRange(to)) return { error: `ports are 1–65535: ${String(spec)} is out of range` };
  if (from > to) return { error: `the range ${String(spec)} is reversed: write "${to}-${from}"` };
  return { from, to };
};

const portKey = (spec: PortSpec) => {
  const range = parsePort(spec);
  return 'error' in range ? undefined : range;
};
const rangeRelation = (a: PortRange, b: PortRange): Relation =>
  a.from === b.from && a.to === b.to ? 'duplicates' : a.from <= b.to && b.from <= a.to ? 'overlaps' : undefined;

export const Port = z.custom<PortSpec>().check(
  z.superRefine((spec, ctx) => {
    const range = parsePort(spec);
    if ('error' in range) ctx.addIssue({ code: 'custom', message: range.error });
  }),
);

const Ports = z.array(Port).check(
  z.minLength(1, 'an empty port list allows no traffic: leave ports out to allow every port, or list them'),
  z.maxLength(100, 'at most 100 ports or ranges per destination'),
  z.superRefine(noOverlaps(portKey, rangeRelation)),
);

export const PROTOCOLS = ['tcp', 'udp', 'icmp', 'any'] as const;

/** Ports are for tcp and udp only: with icmp they mean nothing, and with any they would be ambiguous. */
export const Destination = z
  .strictObject({
    cidr: Cidr,
    protocol: z.enum(PROTOCOLS, 'protocol is tcp, udp, icmp or any'),
    ports: z.optional(Ports),
  })
  .check(
    z.superRefine((d, ctx) => {
      if (d.ports && (d.protocol === 'icmp' || d.protocol === 'any'))
        ctx.addIssue({ code: 'custom', path: ['ports'], message: `ports apply to tcp and udp only, not ${d.protocol}: one entry per protocol` });
    }),
  );
export type Destination = z.output<typeof Destination>;

interface DestinationKey {
  block: CidrBlock;
  protocol: Destination['protocol'];
  ports: PortRange[] | undefined;
}
const destinationKey = (d: Destination): DestinationKey | undefined => {
  const block = cidrKey(d.cidr);
  const ports = d.ports?.map(portKey);
  if (!block || ports?.includes(undefined)) return undefined;
  return { block, protocol: d.protocol, ports: ports as PortRange[] | undefined };
};
const samePorts = (a: PortRange[] | undefined, b: PortRange[] | undefined) =>
  JSON.stringify(a?.toSorted((x, y) => x.from - y.from)) === JSON.stringify(b?.toSorted((x, y) => x.from - y.from));

/** Two entries overlap when some (address, protocol, port) is allowed by both. */
const destinationRelation = (a: DestinationKey, b: DestinationKey): Relation => {
  if (!blocksOverlap(a.block, b.block)) return undefined;
  if (a.protocol !== b.protocol && a.protocol !== 'any' && b.protocol !== 'any') return undefined;
  if (a.ports && b.ports && !a.ports.some((p) => b.ports?.some((q) => rangeRelation(p, q)))) return undefined;
  return sameBlock(a.block, b.block) && a.protocol === b.protocol && samePorts(a.ports, b.ports) ? 'duplicates' : 'overlaps';
};
const showDestination = (d: Destination) => [d.cidr, d.protocol, d.ports?.join(',')].filter(Boolean).join(' ');

/** A list of destinations: none overlapping another, at most 500. */
export const Destinations = z.array(Destination).check(
  z.maxLength(500, 'at most 500 destinations'),
  z.superRefine(noOverlaps(destinationKey, destinationRelation, showDestination)),
);

export const DataRules = z.strictObject({
  apns: z.optional(
    z.array(Apn).check(
      z.minLength(1, 'an empty APN list means no data session can ever be established: leave data.apns out to allow any APN'),
      z.maxLength(50, 'at most 50 APNs'),
      z.superRefine(noOverlaps((apn) => apn.toLowerCase(), equalMeansDuplicate)),
    ),
  ),
  destinations: z.optional(
    z.array(Destination).check(
      z.minLength(1, 'an empty destination list lets no traffic through: leave data.destinations out to allow any destination'),
      z.maxLength(500, 'at most 500 destinations'),
      z.superRefine(noOverlaps(destinationKey, destinationRelation, showDestination)),
    ),
  ),
  /** Off by default: parsing fills in false. Optional in the type only, for effective policies (compile.ts). */
  internetBreakout: z.optional(z._default(z.boolean(), false)),
});
