import * as z from '../zod-mini.ts';
import type { PolicyDocument } from './document.ts';

/**
 * The rules of a policy document, as an MNO's capability list names them: each id is the path of
 * the rule in the document (`data.apns` is `document.data.apns`). The order here is the order of
 * every list the domain derives from rules (rulesUsed, compilePolicy's unenforceable).
 */
export const POLICY_RULES = [
  'data.apns',
  'data.destinations',
  'data.internetBreakout',
  'sms.mo',
  'sms.mt',
  'roaming.countries',
  'roaming.plmns',
  'imeiLock',
  'caps.dataMbPerMonth',
  'caps.smsPerMonth',
  'vpn',
] as const;

export const PolicyRule = z.enum(POLICY_RULES);
export type PolicyRule = (typeof POLICY_RULES)[number];

type Section = keyof PolicyDocument;

/** Where a rule lives in a document: its section, and its key inside the section unless the rule is the section. */
export const ruleLocation = (rule: PolicyRule): { section: Section; key?: string } => {
  const [section, key] = rule.split('.') as [Section, string | undefined];
  return key === undefined ? { section } : { section, key };
};

/** A rule's value in a document; undefined when the document leaves the rule out. */
export const ruleValue = (document: PolicyDocument, rule: PolicyRule): unknown => {
  const { section, key } = ruleLocation(rule);
  const value: unknown = document[section];
  return key === undefined || value === undefined ? value : (value as Record<string, unknown>)[key];
};

/**
 * The rules a document declares, in POLICY_RULES order. An empty allow-list is a rule
 * (it denies everything), and so is a false flag: `internetBreakout: false`, which parsing fills
 * in, is the declaration that breakout stays off.
 */
export const rulesUsed = (document: PolicyDocument): PolicyRule[] => POLICY_RULES.filter((rule) => ruleValue(document, rule) !== undefined);
