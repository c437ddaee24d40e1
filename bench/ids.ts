/** Valid identifiers for benchmark SIMs, built with the real check-digit rules (EID MOD 97-10, ICCID Luhn). */

const luhnDigit = (body: string) => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};

/** The n-th benchmark EID: 30 digits then the ISO 7064 MOD 97-10 check digits. */
export const eid = (n: number) => {
  const body = '89049032' + String(n).padStart(22, '0');
  const check = 98 - Number(BigInt(body + '00') % 97n);
  return body + String(check).padStart(2, '0');
};

export const iccid = (n: number) => {
  const body = '894412' + String(n).padStart(12, '0');
  return body + luhnDigit(body);
};

export const imsi = (n: number) => '26202' + String(n).padStart(10, '0');
