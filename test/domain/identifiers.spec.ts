import fc from 'fast-check';
import { imsiNetwork, plmnFitsItsCountry, plmnOfImsi } from '../../domain/identifiers/plmn.ts';
import { describe, expect, it } from 'vitest';
import { Eid, Iccid, Imei, Imsi, TenantId } from '../../domain/identifiers/index.ts';
import { eid, iccid, imei } from '../support/ids.ts';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

/** Every single-digit change (one position, another digit) must break the check. */
const singleDigitErrors = (value: string) =>
  fc.tuple(fc.integer({ min: 0, max: value.length - 1 }), fc.integer({ min: 1, max: 9 })).map(([i, delta]) => {
    const d = (Number(value[i]) + delta) % 10;
    return value.slice(0, i) + d + value.slice(i + 1);
  });

describe('identifiers', () => {
  it('accepts real-world shaped examples', () => {
    expect(ok(Eid, '89049032000000000000000000000163')).toBe(true);
    expect(ok(Iccid, '8944123456789012348')).toBe(true);
    expect(ok(Imei, '356938035643809')).toBe(true);
    expect(ok(Imsi, '262021234567890')).toBe(true);
    expect(ok(TenantId, 'acme-iot')).toBe(true);
  });

  it('rejects wrong lengths and prefixes', () => {
    expect(ok(Eid, '8904903200000000000000000000016')).toBe(false);
    expect(ok(Iccid, '9944123456789012348')).toBe(false);
    expect(ok(Imei, '35693803564380')).toBe(false);
    expect(ok(Imsi, '12345')).toBe(false);
    expect(ok(Imsi, '062021234567890')).toBe(false);
    expect(ok(TenantId, 'AC')).toBe(false);
    expect(ok(TenantId, 'a'.repeat(41))).toBe(false);
  });

  it('EID: MOD 97-10 check digits are valid and catch every single-digit error', () =>
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), (n) => {
        const value = eid(n);
        expect(ok(Eid, value)).toBe(true);
        fc.assert(fc.property(singleDigitErrors(value), (bad) => !ok(Eid, bad)), { numRuns: 20 });
      }),
      { numRuns: 50 },
    ));

  it('ICCID and IMEI: the Luhn digit catches every single-digit error', () =>
    fc.assert(
      fc.property(fc.nat({ max: 999_999 }), (n) => {
        for (const [schema, value] of [[Iccid, iccid(n)], [Imei, imei(n)]] as const) {
          expect(ok(schema, value)).toBe(true);
          fc.assert(fc.property(singleDigitErrors(value).filter((v) => v.startsWith('89') || schema === Imei), (bad) => !ok(schema, bad)), { numRuns: 20 });
        }
      }),
      { numRuns: 50 },
    ));
});

describe('PLMNs and IMSIs (E.212)', () => {
  it('an IMSI belongs to a PLMN whose MCC-MNC, split as its country splits them, begins it', () => {
    expect(plmnOfImsi('262911234567890', ['262-01', '262-91'])).toBe('262-91');
    expect(plmnOfImsi('310410123456789', ['310-410'])).toBe('310-410');
    // 310 is a three-digit-MNC country: a PLMN 310-41 does not exist, and AT&T's IMSI is not its.
    expect(plmnOfImsi('310410123456789', ['310-41'])).toBeUndefined();
    expect(plmnOfImsi('262021234567890', ['262-020'])).toBeUndefined();
    // India uses both lengths: the PLMN says.
    expect(plmnOfImsi('405025123456789', ['405-025'])).toBe('405-025');
    expect(plmnOfImsi('405021234567890', ['405-02'])).toBe('405-02');
  });
  it('messages show an IMSI’s network as its country splits it, never the subscriber part', () => {
    expect(imsiNetwork('310410123456789')).toBe('310-410');
    expect(imsiNetwork('262911234567890')).toBe('262-91');
    expect(plmnFitsItsCountry('310-41')).toBe(false);
    expect(plmnFitsItsCountry('208-01')).toBe(true);
  });
});
