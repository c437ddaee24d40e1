import type { PolicyDocument } from './document.ts';
import { ruleLocation, rulesUsed, type PolicyRule } from './rules.ts';

/** A rule the document declares that one MNO cannot enforce, and what that means for its SIMs. */
export interface UnenforceableRule {
  rule: PolicyRule;
  reason: string;
}

export interface CompiledPolicy {
  /** What this MNO will enforce: the document without the rules it cannot. */
  effective: PolicyDocument;
  /** Every rule left out of `effective`, once each, in POLICY_RULES order; empty when the MNO enforces it all. */
  unenforceable: UnenforceableRule[];
}

const some = (n: number | undefined, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Why a rule is a gap, read from the document, so that nobody is told "not supported" without
 * being told what gets through. The rules of a document only restrict, so a rule the MNO cannot
 * enforce means more is allowed than was declared, with two exceptions that go the other way:
 * - `internetBreakout: true` that cannot be set is a loss of function, not of protection;
 * - `imeiLock: false` cannot be enforced either, and nothing is lost.
 * Both are still named, because a gap is never silent: the reason tells which kind it is.
 * `internetBreakout: false` (the default) *is* a gap. An MNO that cannot switch breakout off
 * leaves it to its own setting, which we cannot see or trust.
 */
const REASONS: { [R in PolicyRule]: (document: PolicyDocument) => string } = {
  'data.apns': (d) =>
    `this MNO cannot restrict APNs: devices may open data sessions on any APN it offers, not only the ${some(d.data?.apns?.length, 'allowed APN')}`,
  'data.destinations': () => 'this MNO cannot restrict destinations: traffic to any destination, on any protocol and port, will be allowed by this MNO',
  'data.internetBreakout': (d) =>
    d.data?.internetBreakout
      ? 'this MNO cannot turn internet breakout on: devices may get no direct internet access through it (a loss of function, not of protection)'
      : "this MNO cannot keep internet breakout off: devices may reach the internet directly through it, past the declared destinations and VPN, as the MNO's own setting decides",
  'sms.mo': (d) =>
    `this MNO cannot restrict SMS sent by devices: they may send SMS to any number${d.sms?.mo?.length === 0 ? ', though the policy allows none' : ''}`,
  'sms.mt': (d) =>
    `this MNO cannot restrict SMS sent to devices: any sender may reach them by SMS${d.sms?.mt?.length === 0 ? ', though the policy allows none' : ''}`,
  'roaming.countries': (d) =>
    `this MNO cannot restrict roaming by country: SIMs may attach in any country it roams to, not only the ${some(d.roaming?.countries?.length, 'allowed country', 'allowed countries')}`,
  'roaming.plmns': (d) =>
    `this MNO cannot restrict roaming by network: SIMs may attach to any network it has a roaming agreement with, not only the ${some(d.roaming?.plmns?.length, 'allowed PLMN')}`,
  imeiLock: (d) =>
    d.imeiLock
      ? 'this MNO cannot lock SIMs to their devices: a SIM taken out of its device will work in any other'
      : 'this MNO cannot lock SIMs to their devices; the policy asks for no lock, so nothing is lost',
  'caps.dataMbPerMonth': (d) => `this MNO cannot cap data: use beyond ${d.caps?.dataMbPerMonth} MB a month will not be stopped by it`,
  'caps.smsPerMonth': (d) => `this MNO cannot cap SMS: more than ${d.caps?.smsPerMonth} SMS a month will not be stopped by it`,
  vpn: (d) =>
    `this MNO cannot set up the VPN to ${d.vpn?.peer}: device traffic will not be tunnelled to the enterprise network, only routed by the MNO's other rules`,
};

/** The document without some of its rules; a section left with no rule is left out. Sections keep their key order. */
const withoutRules = (document: PolicyDocument, rules: readonly PolicyRule[]): PolicyDocument => {
  const effective: Record<string, unknown> = { ...document };
  for (const rule of rules) {
    const { section, key } = ruleLocation(rule);
    if (key === undefined) {
      delete effective[section];
      continue;
    }
    const rest: Record<string, unknown> = { ...(effective[section] as Record<string, unknown> | undefined) };
    delete rest[key];
    if (Object.values(rest).every((v) => v === undefined)) delete effective[section];
    else effective[section] = rest;
  }
  return effective as PolicyDocument;
};

/**
 * Compiles a policy for one MNO from the rules its CMP can enforce (its capability list). Pure and
 * deterministic: the same document and the same set of capabilities, in any order, give the same result.
 */
export const compilePolicy = (declared: PolicyDocument, capabilities: readonly PolicyRule[]): CompiledPolicy => {
  // The responses (and the quarantine they may call for) are Switchboard's to carry out, not the MNO's profile.
  const { responses: _responses, quarantine: _quarantine, ...document } = declared;
  const enforceable = new Set<string>(capabilities);
  const gaps = rulesUsed(document).filter((rule) => !enforceable.has(rule));
  return {
    effective: withoutRules(document, gaps),
    unenforceable: gaps.map((rule) => ({ rule, reason: REASONS[rule](document) })),
  };
};

/**
 * What a quarantined SIM is held to at one MNO: data only to the policy's management destinations
 * (no breakout), no SMS either way, compiled for what the MNO can enforce (a gap is named as for any
 * policy). Undefined when the policy declares no quarantine.
 */
export const quarantineOf = (policy: PolicyDocument, capabilities: readonly PolicyRule[]): CompiledPolicy | undefined =>
  policy.quarantine && compilePolicy({ data: { destinations: policy.quarantine.destinations, internetBreakout: false }, sms: { mo: [], mt: [] } } as PolicyDocument, capabilities);
