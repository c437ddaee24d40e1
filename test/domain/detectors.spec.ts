import { describe, expect, it } from 'vitest';
import { detect, MB, type SimFacts, type UsageFacts } from '../../domain/signals/detectors.ts';
import { Signal } from '../../domain/signals/signals.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';
import { iccid, imei } from '../support/ids.ts';

/** Detectors (domain/signals/detectors.ts): given a SIM, its policy and a signal, then what is wrong, or nothing. */
const [enabled, other] = [iccid(81), iccid(82)];
const policy = PolicyDocument.parse({
  data: { destinations: [{ cidr: '10.20.0.0/16', protocol: 'tcp', ports: [443, '8000-8099'] }] },
  sms: { mo: ['+4915112345678'], mt: ['+49*'] },
  roaming: { countries: ['DE', 'FR'], plmns: ['262-01', '208-01'] },
  imeiLock: true,
  caps: { dataMbPerMonth: 100, smsPerMonth: 10 },
});
const sim: SimFacts = { imei: imei(81), enabledIccid: enabled, policy };
const at = '2026-12-05T10:00:00.000Z';
const signal = (s: Record<string, unknown>) => Signal.parse({ iccid: enabled, at, ...s });
const kinds = (s: Record<string, unknown>, facts: SimFacts = sim, usage?: UsageFacts) => detect(signal(s), facts, usage).map((d) => d.kind);
const quiet: UsageFacts = { cycleBytes: 10 * MB, cycleSms: 1, todayBytes: MB / 2, pastDays: [MB, MB, MB] };

describe('detectors', () => {
  it('imei-mismatch: a session in another device, where the policy locks the IMEI; not without the lock', () => {
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(99), plmn: '262-01', country: 'DE' })).toEqual(['imei-mismatch']);
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(81), plmn: '262-01', country: 'DE' })).toEqual([]);
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(99), plmn: '262-01', country: 'DE' }, { ...sim, policy: { ...policy, imeiLock: false } })).toEqual([]);
  });
  it('imei-mismatch compares the device (TAC and serial number): the check digit as a spare 0, or an IMEISV, is the same device; a time of more than millisecond precision is refused', () => {
    const spare = imei(81).slice(0, 14) + '0';
    expect(kinds({ kind: 'session', event: 'attach', imei: spare, plmn: '262-01', country: 'DE' })).toEqual([]);
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(81).slice(0, 14) + '07', plmn: '262-01', country: 'DE' })).toEqual([]);
    expect(() => signal({ kind: 'usage', bytes: 1, at: '2026-12-05T10:00:00.' + '1'.repeat(300) + 'Z' })).toThrow(/millisecond/);
    expect(() => signal({ kind: 'usage', bytes: 1, at: '2026-12-05T10:00:00.123456Z' })).toThrow(/millisecond/);
    expect(signal({ kind: 'usage', bytes: 1, at: '2026-12-05T10:00:00Z' }).at).toBe('2026-12-05T10:00:00Z');
  });
  it('roaming-not-allowed: a country or a network outside the allow-lists; a detach says nothing', () => {
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(81), plmn: '234-15', country: 'GB' })).toEqual(['roaming-not-allowed']);
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(81), plmn: '262-02', country: 'DE' })).toEqual(['roaming-not-allowed']);
    expect(kinds({ kind: 'session', event: 'detach', plmn: '234-15', country: 'GB' })).toEqual([]);
  });
  it('destination-not-allowed: a flow outside every destination (address, protocol, port)', () => {
    expect(kinds({ kind: 'flow', destination: '10.20.3.4', port: 443, protocol: 'tcp', bytes: 100 })).toEqual([]);
    expect(kinds({ kind: 'flow', destination: '10.20.3.4', port: 8050, protocol: 'tcp', bytes: 100 })).toEqual([]);
    expect(kinds({ kind: 'flow', destination: '10.20.3.4', port: 22, protocol: 'tcp', bytes: 100 })).toEqual(['destination-not-allowed']);
    expect(kinds({ kind: 'flow', destination: '10.20.3.4', port: 443, protocol: 'udp', bytes: 100 })).toEqual(['destination-not-allowed']);
    expect(kinds({ kind: 'flow', destination: '203.0.113.9', port: 443, protocol: 'tcp', bytes: 100 })).toEqual(['destination-not-allowed']);
  });
  it('sms-not-allowed: a party outside the direction’s list (a number, or a prefix)', () => {
    expect(kinds({ kind: 'sms', direction: 'mo', party: '+4915112345678' })).toEqual([]);
    expect(kinds({ kind: 'sms', direction: 'mo', party: '+4915100000000' })).toEqual(['sms-not-allowed']);
    expect(kinds({ kind: 'sms', direction: 'mt', party: '+4930123456' })).toEqual([]);
    expect(kinds({ kind: 'sms', direction: 'mt', party: '+3312345678' })).toEqual(['sms-not-allowed']);
  });
  it('usage-over-cap: the cycle past the data or SMS cap', () => {
    expect(kinds({ kind: 'usage', bytes: 1000 }, sim, quiet)).toEqual([]);
    expect(kinds({ kind: 'usage', bytes: 1000 }, sim, { ...quiet, cycleBytes: 100 * MB + 1 })).toEqual(['usage-over-cap']);
    expect(kinds({ kind: 'sms', direction: 'mo', party: '+4915112345678' }, sim, { ...quiet, cycleSms: 11 })).toEqual(['usage-over-cap']);
  });
  it('usage-spike: a day well over the SIM’s own trailing average, once there is history to tell', () => {
    expect(kinds({ kind: 'usage', bytes: 1000 }, sim, { ...quiet, todayBytes: 4 * MB })).toEqual(['usage-spike']);
    expect(kinds({ kind: 'usage', bytes: 1000 }, sim, { ...quiet, todayBytes: 2.5 * MB })).toEqual([]);
    expect(kinds({ kind: 'usage', bytes: 1000 }, sim, { ...quiet, todayBytes: 4 * MB, pastDays: [MB, MB] })).toEqual([]);
  });
  it('unexpected-profile: traffic on a profile that is not the enabled one', () => {
    expect(kinds({ kind: 'flow', iccid: other, destination: '10.20.3.4', port: 443, protocol: 'tcp', bytes: 100 })).toEqual(['unexpected-profile']);
    expect(kinds({ kind: 'session', iccid: other, event: 'detach', plmn: '262-01', country: 'DE' })).toEqual([]);
  });
  it('a policy that leaves a rule out restricts nothing: no detection from it', () => {
    const open: SimFacts = { enabledIccid: enabled };
    expect(kinds({ kind: 'session', event: 'attach', imei: imei(99), plmn: '234-15', country: 'GB' }, open)).toEqual([]);
    expect(kinds({ kind: 'flow', destination: '203.0.113.9', port: 22, protocol: 'tcp', bytes: 100 }, open)).toEqual([]);
    expect(kinds({ kind: 'sms', direction: 'mt', party: '+3312345678' }, open, { ...quiet, cycleBytes: 10_000 * MB })).toEqual([]);
  });
  it('names its evidence', () => {
    expect(detect(signal({ kind: 'session', event: 'attach', imei: imei(99), plmn: '262-01', country: 'DE' }), sim)).toEqual([
      { kind: 'imei-mismatch', iccid: enabled, evidence: { signal: 'session', at, registeredImei: imei(81), seenImei: imei(99) } },
    ]);
  });
});
