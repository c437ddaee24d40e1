import type { PolicyDocument } from '../policy/document.ts';
import { blocksOverlap, cidrKey, parseIpAddress } from '../policy/addresses.ts';
import { parsePort } from '../policy/data-rules.ts';
import type { Signal } from './signals.ts';

/**
 * Detectors, pure: a signal, what Switchboard knows of the SIM (its device, its enabled profile,
 * its policy as published) and its usage so far → what is wrong, with the evidence. No I/O, no
 * clock: the signal carries its time. A rule the policy leaves out restricts nothing, so it
 * detects nothing.
 */
import type { AlertKind } from './alert-kinds.ts';
export { ALERT_KINDS, type AlertKind } from './alert-kinds.ts';

export interface Detection {
  kind: AlertKind;
  iccid: string;
  /** What shows it, in words and figures (no personal data beyond what the signal named). */
  evidence: Record<string, string | number>;
}

export interface SimFacts {
  /** The IMEI the SIM was registered with, if any. */
  imei?: string | undefined;
  /** The ICCID of its enabled profile: traffic on another is not the SIM's doing as Switchboard set it. */
  enabledIccid: string;
  /** Its policy, as published (undefined: none, so nothing is restricted). */
  policy?: PolicyDocument | undefined;
}

export interface UsageFacts {
  /** This billing cycle so far, this signal included. */
  cycleBytes: number;
  cycleSms: number;
  /** Today so far, this signal included, and each earlier day's total (most recent last). */
  todayBytes: number;
  pastDays: readonly number[];
}

/** A data cap's MB in bytes (decimal megabytes, as operators bill). */
export const MB = 1_000_000;
/** A day at least this many times the trailing average, and over a floor, is a spike; it takes three days of history to tell. */
export const SPIKE_FACTOR = 3;
export const SPIKE_FLOOR_BYTES = MB;
export const SPIKE_HISTORY_DAYS = 3;

const carriesTraffic = (s: Signal) => (s.kind === 'session' ? s.event === 'attach' : s.kind === 'usage' ? s.bytes > 0 : true);

/** An SMS party allowed by an entry: the number itself, or a prefix ending in `*`. */
const smsAllowed = (list: readonly string[], party: string) => list.some((entry) => (entry.endsWith('*') ? party.startsWith(entry.slice(0, -1)) : party === entry));

/** A flow allowed by one destination entry: the address in its block, the protocol its own (or any), the port in its ports (when it names ports). */
const flowAllowed = (destinations: NonNullable<NonNullable<PolicyDocument['data']>['destinations']>, flow: Extract<Signal, { kind: 'flow' }>) => {
  const address = parseIpAddress(flow.destination);
  if (!address) return false;
  return destinations.some((d) => {
    const block = cidrKey(d.cidr);
    if (!block || !blocksOverlap(block, { ...address, prefix: address.version === 4 ? 32 : 128 })) return false;
    if (d.protocol !== 'any' && d.protocol !== flow.protocol) return false;
    if (!d.ports) return true;
    return flow.port !== undefined && d.ports.some((spec) => {
      const range = parsePort(spec);
      return !('error' in range) && flow.port! >= range.from && flow.port! <= range.to;
    });
  });
};

/** The same device: the same TAC and serial number (the check digit, or an IMEISV's version, aside). */
export const sameDevice = (seen: string, registered: string) => seen.slice(0, 14) === registered.slice(0, 14);

export const detect = (signal: Signal, sim: SimFacts, usage?: UsageFacts): Detection[] => {
  const found: Detection[] = [];
  const add = (kind: AlertKind, evidence: Detection['evidence']) => found.push({ kind, iccid: signal.iccid, evidence: { signal: signal.kind, at: signal.at, ...evidence } });
  const policy = sim.policy;
  if (carriesTraffic(signal) && signal.iccid !== sim.enabledIccid) add('unexpected-profile', { enabledIccid: sim.enabledIccid });
  switch (signal.kind) {
    case 'session': {
      if (signal.event !== 'attach') break;
      if (policy?.imeiLock && sim.imei && signal.imei && !sameDevice(signal.imei, sim.imei)) add('imei-mismatch', { registeredImei: sim.imei, seenImei: signal.imei });
      const countries = policy?.roaming?.countries;
      const plmns = policy?.roaming?.plmns;
      if ((countries && !countries.includes(signal.country)) || (plmns && !plmns.includes(signal.plmn))) add('roaming-not-allowed', { country: signal.country, plmn: signal.plmn });
      break;
    }
    case 'flow': {
      const destinations = policy?.data?.destinations;
      if (destinations && !flowAllowed(destinations, signal)) add('destination-not-allowed', { destination: signal.destination, protocol: signal.protocol, ...(signal.port !== undefined && { port: signal.port }) });
      break;
    }
    case 'sms': {
      const list = signal.direction === 'mo' ? policy?.sms?.mo : policy?.sms?.mt;
      if (list && !smsAllowed(list, signal.party)) add('sms-not-allowed', { direction: signal.direction, party: signal.party });
      break;
    }
    case 'usage':
      break;
  }
  if (usage && (signal.kind === 'usage' || signal.kind === 'flow' || signal.kind === 'sms')) {
    const caps = policy?.caps;
    if (caps?.dataMbPerMonth !== undefined && usage.cycleBytes > caps.dataMbPerMonth * MB) add('usage-over-cap', { cycleBytes: usage.cycleBytes, capBytes: caps.dataMbPerMonth * MB });
    else if (caps?.smsPerMonth !== undefined && usage.cycleSms > caps.smsPerMonth) add('usage-over-cap', { cycleSms: usage.cycleSms, capSms: caps.smsPerMonth });
    const history = usage.pastDays.slice(-7);
    if (history.length >= SPIKE_HISTORY_DAYS) {
      const average = history.reduce((a, b) => a + b, 0) / history.length;
      if (usage.todayBytes > SPIKE_FLOOR_BYTES && usage.todayBytes > SPIKE_FACTOR * average) add('usage-spike', { todayBytes: usage.todayBytes, averageBytes: Math.round(average) });
    }
  }
  return found;
};
