import * as z from '../zod-mini.ts';
import { blocksOverlap, Cidr, cidrKey, IpAddressText, sameBlock } from './addresses.ts';
import { equalMeansDuplicate, noOverlaps, type Relation } from './allow-list.ts';
import { COUNTRY_CODE_HINTS, COUNTRY_CODES } from './countries.ts';
import { DataRules, Destinations } from './data-rules.ts';
import { ALERT_KINDS, RESPONSES } from '../signals/alert-kinds.ts';

/**
 * An enterprise's security policy, declared once and compiled per MNO (compile.ts). Every part
 * is optional: a rule left out does not restrict. Unknown fields are refused at every level, and
 * every issue's path names the rule it breaks (`/data/destinations/2/cidr`), ready for a 400.
 *
 * Empty allow-lists: refused where they make the SIM unreachable, accepted where they are a
 * legitimate "deny all".
 * - `data.apns`, `data.destinations`, a destination's `ports`: refused (see data-rules.ts).
 * - `roaming.countries`, `roaming.plmns`: refused. They list where the SIM may attach at all,
 *   home network included, so an empty list means it can attach nowhere. To forbid roaming,
 *   list the home country or PLMNs.
 * - `sms.mo`, `sms.mt`: accepted, as "no SMS at all" in that direction, a common hardening for
 *   data-only devices. The SIM stays reachable over data and through the MNO's CMP.
 * - `vpn.subnets`: refused, since a tunnel that routes nothing is a mistake and not a rule.
 *
 * Host bits in a CIDR (10.0.0.1/8) are refused rather than masked. Such a value is almost always
 * a typo for 10.0.0.0/8 or 10.0.0.1/32, and MNO firewalls differ: some reject it, others mask it
 * silently. We cannot guess which one the enterprise meant.
 */

/** E.164 (+, then 8–15 digits, no leading 0) or a prefix of one ending in `*` (`+49*`, `+4915*`). */
const SMS_ENTRY = /^\+([1-9]\d{0,14})(\*?)$/;
interface SmsKey {
  digits: string;
  prefix: boolean;
}
const smsKey = (entry: string): SmsKey | undefined => {
  const match = SMS_ENTRY.exec(entry);
  if (!match?.[1]) return undefined;
  const prefix = match[2] === '*';
  const length = match[1].length;
  return (prefix ? length <= 14 : length >= 8) ? { digits: match[1], prefix } : undefined;
};
const smsRelation = (a: SmsKey, b: SmsKey): Relation => {
  if (a.digits === b.digits && a.prefix === b.prefix) return 'duplicates';
  if ((b.prefix && a.digits.startsWith(b.digits)) || (a.prefix && b.digits.startsWith(a.digits))) return 'overlaps';
  return undefined;
};
const SmsEntry = z.string().check(
  z.refine((entry) => smsKey(entry) !== undefined, 'an SMS entry is an E.164 number (+ then 8–15 digits, e.g. +4915112345678) or a prefix (e.g. +49*)'),
);
const SmsAllowList = z.array(SmsEntry).check(z.maxLength(1000, 'at most 1000 numbers or prefixes'), z.superRefine(noOverlaps(smsKey, smsRelation)));

/** SMS rules: whom devices may send to (MO) and who may send to them (MT). An empty list allows none. */
const SmsRules = z.strictObject({ mo: z.optional(SmsAllowList), mt: z.optional(SmsAllowList) });

const Country = z.string().check(
  z.superRefine((code, ctx) => {
    if (!/^[A-Z]{2}$/.test(code)) ctx.addIssue({ code: 'custom', message: 'a country is an ISO 3166 alpha-2 code in upper case, e.g. DE' });
    else if (!COUNTRY_CODES.has(code)) {
      const hint = COUNTRY_CODE_HINTS[code];
      ctx.addIssue({ code: 'custom', message: `${code} is not an ISO 3166 alpha-2 code${hint ? `: write ${hint}` : ''}` });
    }
  }),
);

/** MCC-MNC; the MCC is 2xx–7xx, or 901 for the international networks many IoT SIMs roam on. */
const Plmn = z.string().check(z.regex(/^(?:[2-7]\d{2}|901)-\d{2,3}$/, 'a PLMN is MCC-MNC: 3 digits, a hyphen, 2 or 3 digits, e.g. 262-01 or 310-410'));

/** Roaming: where the SIM may attach, home included. With both lists, a network must pass both. */
const RoamingRules = z.strictObject({
  countries: z.optional(
    z.array(Country).check(
      z.minLength(1, 'an empty country list lets the SIM attach nowhere: leave roaming.countries out, or list at least the home country'),
      z.maxLength(300),
      z.superRefine(noOverlaps((c) => c, equalMeansDuplicate)),
    ),
  ),
  plmns: z.optional(
    z.array(Plmn).check(
      z.minLength(1, 'an empty PLMN list lets the SIM attach to no network: leave roaming.plmns out, or list at least the home PLMN'),
      z.maxLength(2000),
      z.superRefine(noOverlaps((p) => p, equalMeansDuplicate)),
    ),
  ),
});

const UsageCaps = z.strictObject({
  dataMbPerMonth: z.optional(z.int('a data cap is a whole number of MB a month').check(z.positive('a data cap is at least 1 MB a month'))),
  smsPerMonth: z.optional(z.int('an SMS cap is a whole number of SMS a month').check(z.positive('an SMS cap is at least 1 SMS a month'))),
});

/**
 * Where the VPN's pre-shared key is kept, never the key itself (events and logs hold references
 * only). Anything that is not `secret://…` is refused, and the message does not echo the input.
 */
const SecretRef = z.string().check(
  z.regex(
    /^secret:\/\/[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/,
    'secretRef is a reference like secret://vpn/site-a: keep the pre-shared key in the secret store, never in the policy',
  ),
);

const Vpn = z.strictObject({
  peer: IpAddressText,
  subnets: z.array(Cidr).check(
    z.minLength(1, 'a VPN needs at least one subnet to route'),
    z.maxLength(100),
    z.superRefine(noOverlaps(cidrKey, (a, b) => (sameBlock(a, b) ? 'duplicates' : blocksOverlap(a, b) ? 'overlaps' : undefined))),
  ),
  secretRef: SecretRef,
});

/**
 * Switchboard's own rules, never sent to an MNO: what it does when it detects each kind of alert
 * on a SIM under this policy (`alert` when a kind is left out).
 */
const Responses = z.partialRecord(
  z.enum(ALERT_KINDS, { error: `an alert kind is one of ${ALERT_KINDS.join(', ')}` }),
  z.enum(RESPONSES, { error: `a response is one of ${RESPONSES.join(', ')}` }),
);

/**
 * Where a quarantined SIM may still reach (device management, updates): the `quarantine` response
 * keeps it active at its MNO with data to these alone and no SMS. Switchboard's, sent to an MNO only
 * with a SIM it quarantines.
 */
const Quarantine = z.strictObject({
  destinations: Destinations.check(z.minLength(1, 'a quarantine keeps at least one management destination reachable: without one, suspend rather than quarantine')),
});

export const PolicyDocument = z.strictObject({
  /** Always present once parsed, as `{ internetBreakout: false }` at least: breakout is off unless declared. */
  data: z.optional(z.prefault(DataRules, {})),
  sms: z.optional(SmsRules),
  roaming: z.optional(RoamingRules),
  /** true: each SIM works only in the device (IMEI) it was registered with. */
  imeiLock: z.optional(z.boolean()),
  caps: z.optional(UsageCaps),
  vpn: z.optional(Vpn),
  responses: z.optional(Responses),
  quarantine: z.optional(Quarantine),
}).check(
  z.superRefine((document, ctx) => {
    const quarantining = Object.entries(document.responses ?? {}).filter(([, response]) => response === 'quarantine').map(([kind]) => kind);
    if (quarantining.length > 0 && !document.quarantine)
      ctx.addIssue({ code: 'custom', path: ['quarantine'], message: `responses quarantine on ${quarantining.join(', ')}: declare quarantine.destinations, where a quarantined device may still reach` });
  }),
);
export type PolicyDocument = z.output<typeof PolicyDocument>;
