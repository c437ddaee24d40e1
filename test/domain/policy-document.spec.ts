import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpAddress, parseCidr, parseIpAddress } from '../../domain/policy/addresses.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';

/** The issues as the HTTP edge reports them: a JSON pointer and a message. */
const issues = (input: unknown) =>
  (PolicyDocument.safeParse(input).error?.issues ?? []).map((i) => ({ path: '/' + i.path.map(String).join('/'), message: i.message }));

const refused = (input: unknown, path: string, message: RegExp) =>
  expect(issues(input)).toContainEqual({ path, message: expect.stringMatching(message) });

const destination = (cidr: string, protocol = 'tcp', ports?: unknown[]) => ({ cidr, protocol, ...(ports ? { ports } : {}) });
const dests = (...entries: unknown[]) => ({ data: { destinations: entries } });
const vpn = (over: object = {}) => ({ vpn: { peer: '203.0.113.10', subnets: ['10.8.0.0/16'], secretRef: 'secret://vpn/site-a', ...over } });

describe('PolicyDocument: valid real-world policies', () => {
  const fleet = {
    data: {
      apns: ['iot.acme.example', 'fota.acme.example'],
      destinations: [
        destination('203.0.113.0/24', 'tcp', [443, 8883]),
        destination('198.51.100.7/32', 'udp', ['5683-5684']),
        destination('2001:db8:100::/48', 'tcp', [443]),
        destination('10.0.0.0/8', 'icmp'),
      ],
    },
    sms: { mo: ['+4915112345678'], mt: ['+49*', '+4420*'] },
    roaming: { countries: ['DE', 'AT', 'CH', 'FR'], plmns: ['262-01', '262-02', '310-410', '901-28'] },
    imeiLock: true,
    caps: { dataMbPerMonth: 500, smsPerMonth: 100 },
    vpn: vpn().vpn,
  };

  it('accepts a full fleet policy as written, with breakout off by default', () =>
    expect(PolicyDocument.parse(fleet)).toEqual({ ...fleet, data: { ...fleet.data, internetBreakout: false } }));
  it('accepts an empty policy, which still keeps internet breakout off', () => expect(PolicyDocument.parse({})).toEqual({ data: { internetBreakout: false } }));
  it('accepts breakout on, declared', () => expect(PolicyDocument.parse({ data: { internetBreakout: true } }).data?.internetBreakout).toBe(true));
  it('accepts empty SMS lists: no SMS in that direction', () => expect(issues({ sms: { mo: [], mt: [] } })).toEqual([]));
  it('accepts all ports (ports left out) and entries that differ only by port or protocol', () =>
    expect(issues(dests(destination('10.0.0.0/8', 'tcp', [443]), destination('10.1.0.0/16', 'tcp', [22]), destination('10.0.0.0/8', 'udp'), destination('0.0.0.0/0', 'icmp')))).toEqual([]));
  it('accepts IPv6 in every spelling, and an IPv4 tail', () =>
    expect(issues(dests(destination('2001:DB8::/32'), destination('::ffff:192.0.2.0/120', 'udp'), destination('fe80::/10', 'icmp')))).toEqual([]));
  it('accepts an IPv6 VPN peer', () => expect(issues(vpn({ peer: '2001:db8::10', subnets: ['fd00::/8', '10.8.0.0/16'] }))).toEqual([]));
});

describe('PolicyDocument: each invalid rule is an issue at its path', () => {
  it('refuses unknown fields, at every level', () => {
    refused({ firewall: {} }, '/', /Unrecognized key/);
    refused({ data: { apn: ['x'] } }, '/data', /Unrecognized key/);
    refused(dests({ ...destination('10.0.0.0/8'), port: 1 }), '/data/destinations/0', /Unrecognized key/);
  });

  describe('data', () => {
    it('refuses an empty APN list: no data session could ever be established', () => refused({ data: { apns: [] } }, '/data/apns', /no data session/));
    it('refuses a malformed APN', () => refused({ data: { apns: ['iot', 'iot..acme'] } }, '/data/apns/1', /APN name/));
    it('refuses the operator part of an APN', () => refused({ data: { apns: ['iot.mnc001.mcc262.gprs'] } }, '/data/apns/0', /operator part/));
    it('refuses duplicate APNs, case-insensitively', () =>
      refused({ data: { apns: ['iot.acme', 'IOT.acme'] } }, '/data/apns/1', /IOT\.acme duplicates entry 0 \(iot\.acme\)/));
    it('refuses an empty destination list', () => refused(dests(), '/data/destinations', /no traffic/));
    it.each([
      ['10.0.0.300/8', /not a CIDR/],
      ['10.0.0.0', /not a CIDR/],
      ['010.0.0.0/8', /not a CIDR/],
      ['10.0.0.0/33', /prefix is 0–32/],
      ['2001:db8::/129', /prefix is 0–128/],
      ['10.0.0.1/8', /host bits set: write the network 10\.0\.0\.0\/8, or 10\.0\.0\.1\/32/],
      ['2001:db8::1/32', /host bits set: write the network 2001:db8::\/32/],
      ['1::2::3/64', /not a CIDR/],
    ])('refuses the CIDR %s, naming the entry', (cidr, message) =>
      refused(dests(destination('192.0.2.0/24'), destination('198.51.100.0/24'), destination(cidr)), '/data/destinations/2/cidr', message));
    it.each([
      [0, /1–65535, not 0/],
      [65536, /1–65535/],
      [1.5, /whole number/],
      ['9000-8000', /reversed: write "8000-9000"/],
      ['80-70000', /out of range/],
      ['http', /number \(443\) or a "from-to" range/],
      [null, /number \(443\) or a "from-to" range/],
    ])('refuses the port %s', (port, message) => refused(dests(destination('10.0.0.0/8', 'tcp', [443, port])), '/data/destinations/0/ports/1', message));
    it('refuses an empty port list', () => refused(dests(destination('10.0.0.0/8', 'tcp', [])), '/data/destinations/0/ports', /allows no traffic/));
    it('refuses overlapping ports in one entry', () =>
      refused(dests(destination('10.0.0.0/8', 'tcp', ['8000-8099', 8080])), '/data/destinations/0/ports/1', /8080 overlaps entry 0 \(8000-8099\)/));
    it('refuses ports with icmp or any', () => {
      refused(dests(destination('10.0.0.0/8', 'icmp', [1])), '/data/destinations/0/ports', /tcp and udp only, not icmp/);
      refused(dests(destination('10.0.0.0/8', 'any', [53])), '/data/destinations/0/ports', /tcp and udp only, not any/);
    });
    it('refuses an unknown protocol', () => refused(dests(destination('10.0.0.0/8', 'sctp')), '/data/destinations/0/protocol', /tcp, udp, icmp or any/));
    it('refuses a duplicate destination', () =>
      refused(dests(destination('10.0.0.0/8', 'tcp', [443]), destination('10.0.0.0/8', 'tcp', [443])), '/data/destinations/1', /duplicates entry 0/));
    it('refuses a destination that overlaps another in address, protocol and port', () => {
      refused(dests(destination('10.0.0.0/8', 'tcp', [443]), destination('10.1.0.0/16', 'tcp', ['400-500'])), '/data/destinations/1', /overlaps entry 0 \(10\.0\.0\.0\/8 tcp 443\)/);
      refused(dests(destination('10.1.0.0/16', 'udp', [53]), destination('10.0.0.0/8', 'any')), '/data/destinations/1', /overlaps entry 0/);
      refused(dests(destination('2001:db8::/32'), destination('2001:DB8:0::/32')), '/data/destinations/1', /duplicates entry 0/);
    });
    it('refuses a breakout flag that is not a boolean', () => refused({ data: { internetBreakout: 'no' } }, '/data/internetBreakout', /boolean/));
  });

  describe('sms', () => {
    it.each(['4915112345678', '+4915', '+04915112345678', '+49151123456789012', '+49 151 1234', '+*', '+123456789012345*'])(
      'refuses %s, which is neither an E.164 number nor a prefix',
      (entry) => refused({ sms: { mo: [entry] } }, '/sms/mo/0', /E\.164 number/),
    );
    it('refuses a number an earlier prefix already allows', () =>
      refused({ sms: { mt: ['+49*', '+4915112345678'] } }, '/sms/mt/1', /\+4915112345678 overlaps entry 0 \(\+49\*\)/));
    it('refuses a prefix that covers an earlier one', () => refused({ sms: { mt: ['+4915*', '+49*'] } }, '/sms/mt/1', /overlaps entry 0/));
    it('refuses a duplicate number', () => refused({ sms: { mo: ['+4915112345678', '+4915112345678'] } }, '/sms/mo/1', /duplicates entry 0/));
  });

  describe('roaming', () => {
    it('refuses an empty country list: the SIM could attach nowhere', () => refused({ roaming: { countries: [] } }, '/roaming/countries', /attach nowhere/));
    it('refuses an empty PLMN list', () => refused({ roaming: { plmns: [] } }, '/roaming/plmns', /no network/));
    it('refuses a lower-case or unassigned country, with a hint where one helps', () => {
      refused({ roaming: { countries: ['DE', 'de'] } }, '/roaming/countries/1', /ISO 3166 alpha-2 code in upper case/);
      refused({ roaming: { countries: ['ZZ'] } }, '/roaming/countries/0', /ZZ is not an ISO 3166/);
      refused({ roaming: { countries: ['UK'] } }, '/roaming/countries/0', /write GB/);
    });
    it('refuses a duplicate country', () => refused({ roaming: { countries: ['DE', 'FR', 'DE'] } }, '/roaming/countries/2', /DE duplicates entry 0/));
    it.each(['26201', '262-1', '862-01', '262-0001'])('refuses the PLMN %s', (plmn) => refused({ roaming: { plmns: [plmn] } }, '/roaming/plmns/0', /MCC-MNC/));
    it('refuses a duplicate PLMN', () => refused({ roaming: { plmns: ['262-01', '262-01'] } }, '/roaming/plmns/1', /duplicates/));
  });

  describe('imeiLock and caps', () => {
    it('refuses an IMEI lock that is not a boolean', () => refused({ imeiLock: 'yes' }, '/imeiLock', /boolean/));
    it.each([0, -5])('refuses a data cap of %s', (cap) => refused({ caps: { dataMbPerMonth: cap } }, '/caps/dataMbPerMonth', /at least 1 MB/));
    it('refuses a fractional SMS cap', () => refused({ caps: { smsPerMonth: 1.5 } }, '/caps/smsPerMonth', /whole number/));
  });

  describe('vpn', () => {
    it('refuses a raw pre-shared key, without echoing it', () => {
      const psk = 'Sup3r-s3cret-PSK-0123456789abcdef';
      refused(vpn({ secretRef: psk }), '/vpn/secretRef', /secret:\/\/vpn\/site-a/);
      expect(JSON.stringify(PolicyDocument.safeParse(vpn({ secretRef: psk })).error)).not.toContain(psk);
    });
    it.each(['secret://', 'secrets://vpn/a', 'vault:vpn/a', 'secret://vpn/a b'])('refuses the reference %s', (ref) =>
      refused(vpn({ secretRef: ref }), '/vpn/secretRef', /reference like/));
    it('refuses a VPN without a secret reference', () => expect(issues({ vpn: { peer: '203.0.113.10', subnets: ['10.8.0.0/16'] } })[0]?.path).toBe('/vpn/secretRef'));
    it.each(['vpn.acme.example', '203.0.113.10/32', '256.0.0.1'])('refuses the peer %s', (peer) => refused(vpn({ peer }), '/vpn/peer', /not an IP address/));
    it('refuses the unspecified address as peer', () => refused(vpn({ peer: '::' }), '/vpn/peer', /unspecified/));
    it('refuses a VPN with no subnet', () => refused(vpn({ subnets: [] }), '/vpn/subnets', /at least one subnet/));
    it('refuses overlapping subnets', () => refused(vpn({ subnets: ['10.8.0.0/16', '10.8.4.0/24'] }), '/vpn/subnets/1', /overlaps entry 0/));
  });
});

describe('addresses', () => {
  it.each([
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['1::', 6, 1n << 112n],
    ['::ffff:192.0.2.1', 6, 0xffffc0000201n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['192.0.2.1', 4, 0xc0000201n],
  ])('reads %s', (text, version, value) => expect(parseIpAddress(text)).toEqual({ version, value }));
  it.each(['1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':::', '1::2::3', '2001:db8::g', ':1::', '1.2.3', '1.2.3.4.5', 'fe80::1%eth0', ''])('refuses %s', (text) =>
    expect(parseIpAddress(text)).toBeUndefined());
  it('writes IPv6 the RFC 5952 way', () => {
    expect(formatIpAddress({ version: 6, value: 0x20010db8000000000000000000000001n })).toBe('2001:db8::1');
    expect(formatIpAddress({ version: 6, value: 0x20010db8000000010000000000000000n })).toBe('2001:db8:0:1::');
    expect(formatIpAddress({ version: 6, value: 0n })).toBe('::');
  });
  it('reads what it writes, for any address', () =>
    fc.assert(
      fc.property(fc.constantFrom(4 as const, 6 as const), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (version, n) => {
        const address = { version, value: version === 4 ? n & 0xffffffffn : n };
        expect(parseIpAddress(formatIpAddress(address))).toEqual(address);
      }),
    ));
  it('accepts the network address of any block, and no other address', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.integer({ min: 0, max: 32 }), (value, prefix) => {
        const parsed = parseCidr(`${formatIpAddress({ version: 4, value })}/${prefix}`);
        const isNetwork = value % (1n << BigInt(32 - prefix)) === 0n;
        expect('error' in parsed).toBe(!isNetwork);
      }),
    ));
});
