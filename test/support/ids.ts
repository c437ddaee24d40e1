import { randomInt } from 'node:crypto';

/** Valid identifiers for tests, built with the real check-digit rules. */
const luhnDigit = (body: string) => {
  for (let c = 0; c <= 9; c++) {
    const s = body + c;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let d = Number(s[s.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return String(c);
  }
  throw new Error('unreachable');
};

/** The n-th test EID: 30 digits then the ISO 7064 MOD 97-10 check digits. */
export const eid = (n: number) => {
  const body = '89049032' + String(n).padStart(22, '0');
  const check = 98 - Number(BigInt(body + '00') % 97n);
  return body + String(check).padStart(2, '0');
};

export const iccid = (n: number) => {
  const body = '894412' + String(n).padStart(12, '0');
  return body + luhnDigit(body);
};

export const imei = (n: number) => {
  const body = '35693803' + String(n).padStart(6, '0');
  return body + luhnDigit(body);
};

export const imsi = (n: number) => '26291' + String(n).padStart(10, '0');

let next = randomInt(2 ** 47);
/** A number no other test in this run is likely to use (for EIDs, tenants): test files run in parallel. */
export const unique = () => (next += 7919); // spaced, so a test may use n + 1, n + 2… for a second SIM
