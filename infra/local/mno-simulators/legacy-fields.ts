import { isApn, isCidr, isCountry, isE164Prefix, isIpAddress, isPortList, isProtocol } from './policy-fields.ts';

/**
 * The legacy CMP's own data model: UPPER_SNAKE keys with flattened string values, each list
 * with the separator that CMP happens to use. An empty string means "none" (empty list, no cap).
 */

const list = (separator: string, test: (s: string) => boolean) => (value: string) => value === '' || value.split(separator).every(test);
const flag = (value: string) => value === 'Y' || value === 'N';
const count = (value: string) => value === '' || /^\d{1,12}$/.test(value);

/** `cidr:ports/protocol`, e.g. `10.0.0.0/8:443,8000-8080/tcp`; ports `*` means every port. */
export const isFirewallRule = (rule: string) => {
  const slash = rule.lastIndexOf('/');
  const colon = rule.lastIndexOf(':', slash);
  if (slash < 0 || colon < 0) return false;
  return isCidr(rule.slice(0, colon)) && isPortList(rule.slice(colon + 1, slash)) && isProtocol(rule.slice(slash + 1));
};

/** MCC and MNC run together, as this CMP writes PLMNs: `26201`, `310260`. */
const isPlmnDigits = (s: string) => /^\d{5,6}$/.test(s);

/** Every field `ServiceProfile.set` takes, with its format check. */
export const SERVICE_PROFILE_FIELDS: Record<string, (value: string) => boolean> = {
  APN_LIST: list('|', isApn),
  FW_RULES: list(';', isFirewallRule),
  BREAKOUT: flag,
  SMS_MO_WL: list('|', isE164Prefix),
  SMS_MT_WL: list('|', isE164Prefix),
  ROAM_COUNTRIES: list(',', isCountry),
  ROAM_PLMNS: list(',', isPlmnDigits),
  IMEI_LOCK: flag,
  DATA_CAP_MB: count,
  SMS_CAP: count,
  VPN_PEER: (value) => value === '' || isIpAddress(value),
  VPN_SUBNETS: list(',', isCidr),
  VPN_PSK_REF: (value) => value.length <= 256,
};

/** The service profile fields of a request body, or the first thing wrong with them. */
export const parseServiceProfile = (body: Record<string, unknown>): { fields: Record<string, string> } | { error: string } => {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'PROFILE_ID') continue;
    const valid = SERVICE_PROFILE_FIELDS[key];
    if (!valid) return { error: `unknown field ${key}` };
    if (typeof value !== 'string') return { error: `${key} must be a string` };
    if (!valid(value)) return { error: `${key} has an invalid value` };
    fields[key] = value;
  }
  if (!fields.VPN_PEER && (fields.VPN_SUBNETS || fields.VPN_PSK_REF)) return { error: 'VPN_SUBNETS and VPN_PSK_REF need VPN_PEER' };
  return { fields };
};
