import fc from 'fast-check';
import { PolicyDocument } from '../../domain/policy/document.ts';

// Valid documents by construction (distinct /16s, same-length numbers), parsed as the edge would.
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const destinations = fc
  .uniqueArray(fc.record({ n: fc.integer({ min: 0, max: 255 }), protocol: fc.constantFrom('tcp', 'udp', 'icmp', 'any'), port: opt(fc.integer({ min: 1, max: 65535 })) }), {
    selector: (d) => d.n,
    minLength: 1,
    maxLength: 4,
  })
  .map((ds) => ds.map(({ n, protocol, port }) => ({ cidr: `10.${n}.0.0/16`, protocol, ...(port && (protocol === 'tcp' || protocol === 'udp') ? { ports: [port] } : {}) })));
const numbers = fc.uniqueArray(fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `+49151${n}`), { maxLength: 3 });
const some = <T>(values: T[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length });
const part = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(shape, { requiredKeys: [] });

/** Any valid policy document, as the edge would parse it. */
export const policyDocument: fc.Arbitrary<PolicyDocument> = part({
  data: part({ apns: some(['iot.acme.example', 'internet', 'm2m.acme']), destinations, internetBreakout: fc.boolean() }),
  sms: part({ mo: numbers, mt: numbers }),
  roaming: part({ countries: some(['DE', 'FR', 'US', 'GB', 'JP']), plmns: some(['262-01', '262-02', '310-410', '901-28']) }),
  imeiLock: fc.boolean(),
  caps: part({ dataMbPerMonth: fc.integer({ min: 1, max: 1_000_000 }), smsPerMonth: fc.integer({ min: 1, max: 10_000 }) }),
  vpn: fc.record({ peer: fc.constantFrom('203.0.113.10', '2001:db8::10'), subnets: fc.constant(['10.8.0.0/16']), secretRef: fc.constant('secret://vpn/site-a') }),
}).map((raw) => PolicyDocument.parse(raw));
