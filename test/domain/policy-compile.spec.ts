import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/policy/canonical.ts';
import { compilePolicy } from '../../domain/policy/compile.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';
import { policyDocument } from './policy-arbitraries.ts';
import { POLICY_RULES, ruleValue, rulesUsed, type PolicyRule } from '../../domain/policy/rules.ts';

const doc = (input: unknown) => PolicyDocument.parse(input);
const all = [...POLICY_RULES];
const except = (...missing: PolicyRule[]) => all.filter((r) => !missing.includes(r));
const reasonOf = (document: PolicyDocument, rule: PolicyRule) =>
  compilePolicy(document, except(rule)).unenforceable.find((u) => u.rule === rule)?.reason;

const secured = doc({
  data: { apns: ['iot.acme.example'], destinations: [{ cidr: '203.0.113.0/24', protocol: 'tcp', ports: [443] }] },
  sms: { mo: [], mt: ['+49*'] },
  roaming: { countries: ['DE', 'FR'], plmns: ['262-01'] },
  imeiLock: true,
  caps: { dataMbPerMonth: 500, smsPerMonth: 20 },
  vpn: { peer: '203.0.113.10', subnets: ['10.8.0.0/16'], secretRef: 'secret://vpn/site-a' },
});

describe('compilePolicy', () => {
  it('an MNO that enforces everything gets the document as is, with no gap', () =>
    expect(compilePolicy(secured, all)).toEqual({ effective: secured, unenforceable: [] }));

  it('names each rule the MNO cannot enforce, in rule order, and leaves it out of the effective policy', () => {
    const { effective, unenforceable } = compilePolicy(secured, except('vpn', 'data.destinations', 'sms.mo'));
    expect(unenforceable.map((u) => u.rule)).toEqual(['data.destinations', 'sms.mo', 'vpn']);
    expect(effective).toEqual({ ...secured, data: { apns: ['iot.acme.example'], internetBreakout: false }, sms: { mt: ['+49*'] }, vpn: undefined });
    expect('vpn' in effective).toBe(false);
  });

  it('leaves out a section with no rule left', () => {
    const { effective } = compilePolicy(secured, except('caps.dataMbPerMonth', 'caps.smsPerMonth', 'sms.mo', 'sms.mt'));
    expect(effective.caps).toBeUndefined();
    expect('sms' in effective).toBe(false);
  });

  it('an MNO with no capability enforces nothing and names every rule used', () => {
    const { effective, unenforceable } = compilePolicy(secured, []);
    expect(effective).toEqual({});
    expect(unenforceable.map((u) => u.rule)).toEqual(all);
  });

  describe('reasons say what gets through', () => {
    it('destinations: traffic to any destination will be allowed', () => expect(reasonOf(secured, 'data.destinations')).toMatch(/any destination.*will be allowed by this MNO/));
    it('breakout off, the default, is a gap: the MNO decides', () =>
      expect(reasonOf(doc({}), 'data.internetBreakout')).toMatch(/cannot keep internet breakout off: devices may reach the internet directly/));
    it('breakout on is a loss of function, not of protection', () =>
      expect(reasonOf(doc({ data: { internetBreakout: true } }), 'data.internetBreakout')).toMatch(/loss of function, not of protection/));
    it('an empty SMS list that cannot be enforced says none was allowed', () => expect(reasonOf(secured, 'sms.mo')).toMatch(/any number, though the policy allows none/));
    it('IMEI lock on: the SIM works in any device', () => expect(reasonOf(secured, 'imeiLock')).toMatch(/will work in any other/));
    it('IMEI lock off: nothing is lost', () => expect(reasonOf(doc({ imeiLock: false }), 'imeiLock')).toMatch(/nothing is lost/));
    it('caps carry the figure', () => expect(reasonOf(secured, 'caps.dataMbPerMonth')).toMatch(/beyond 500 MB a month/));
    it('roaming counts the countries', () => expect(reasonOf(secured, 'roaming.countries')).toMatch(/not only the 2 allowed countries/));
    it('the VPN reason never carries its secret reference', () => expect(reasonOf(secured, 'vpn')).not.toMatch(/secret/));
  });
});

const capabilities = fc.subarray(all);
/** The same document, every object's keys in reverse order. */
const keysReversed = <T>(value: T): T =>
  Array.isArray(value)
    ? (value.map(keysReversed) as T)
    : value !== null && typeof value === 'object'
      ? (Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, keysReversed(v)])) as T)
      : value;

describe('compilePolicy properties', () => {
  it('(a) with every capability, the effective policy is the document and nothing is unenforceable', () =>
    fc.assert(fc.property(policyDocument, (document) => {
        expect(compilePolicy(document, all)).toEqual({ effective: document, unenforceable: [] });
      }),
    ));

  it('(b) the effective policy holds no rule the MNO cannot enforce, and every rule it can, unchanged', () =>
    fc.assert(
      fc.property(policyDocument, capabilities, (document, caps) => {
        const { effective } = compilePolicy(document, caps);
        for (const rule of all) expect(ruleValue(effective, rule)).toEqual(caps.includes(rule) ? ruleValue(document, rule) : undefined);
        expect(PolicyDocument.safeParse(effective).success).toBe(true);
      }),
    ));

  it('(c) every rule used but not enforceable is named exactly once, with a reason, and no other rule is', () =>
    fc.assert(
      fc.property(policyDocument, capabilities, (document, caps) => {
        const { unenforceable } = compilePolicy(document, caps);
        expect(unenforceable.map((u) => u.rule)).toEqual(rulesUsed(document).filter((r) => !caps.includes(r)));
        for (const { reason } of unenforceable) expect(reason).toMatch(/^this MNO cannot .{20,}/);
      }),
    ));

  it('(d) compilation is deterministic, whatever the order or repetition of capabilities', () =>
    fc.assert(
      fc.property(policyDocument, capabilities, (document, caps) => {
        const once = JSON.stringify(compilePolicy(document, caps));
        expect(JSON.stringify(compilePolicy(document, caps))).toBe(once);
        expect(JSON.stringify(compilePolicy(document, [...caps].reverse().concat(caps)))).toBe(once);
        expect(canonicalJson(compilePolicy(keysReversed(document), caps))).toBe(canonicalJson(compilePolicy(document, caps)));
      }),
    ));
});
