import * as z from '../zod-mini.ts';
import { luhnValid, mod97Valid } from './check-digits.ts';

/** eUICC identifier (GSMA SGP.02/SGP.22): 32 digits, ISO 7064 MOD 97-10 check digits. */
export const Eid = z.string().check(
  z.regex(/^\d{32}$/, { message: 'an EID is 32 digits', abort: true }),
  z.refine(mod97Valid, 'EID check digits are wrong (ISO 7064 MOD 97-10)'),
);

/** ICCID (ITU-T E.118): 19 or 20 digits, industry prefix 89, last digit a Luhn check digit. */
export const Iccid = z.string().check(
  z.regex(/^89\d{17,18}$/, { message: 'an ICCID is 19 or 20 digits starting with 89', abort: true }),
  z.refine(luhnValid, 'ICCID Luhn check digit is wrong'),
);

/** IMEI: 15 digits, the last one a Luhn check digit. */
export const Imei = z.string().check(
  z.regex(/^\d{15}$/, { message: 'an IMEI is 15 digits', abort: true }),
  z.refine(luhnValid, 'IMEI Luhn check digit is wrong'),
);

/** IMSI: 15 digits, MCC (3 digits, first 2–7) + MNC (2–3) + MSIN. */
export const Imsi = z.string().check(z.regex(/^[2-7]\d{14}$/, 'an IMSI is 15 digits: MCC (3, starting 2–7), MNC (2–3), MSIN'));

/** An operator id as the platform registers it. */
export const MnoId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'an MNO id is 2–40 of a–z, 0–9 and -'));

/** A tenant (enterprise) id. */
export const TenantId = z.string().check(z.regex(/^[a-z0-9-]{3,40}$/, 'a tenant id is 3–40 of a–z, 0–9 and -'));
