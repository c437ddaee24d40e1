import type { PolicyDocument } from '../../../domain/policy/document.ts';

/**
 * What the recordings were made with (record.ts) and what the specs drive the adapters with, so a
 * spec's requests match the recorded ones. The credentials are fake: the recorder swapped them
 * for the simulator's real ones on the way in, so the fixtures hold only these.
 */

export const MNO = 'test-mno';
export const PROFILE_ID = 'acme.fleet-policy';
/** A profile id no CMP takes (space): each refuses it in its own way. */
export const BAD_PROFILE_ID = 'acme fleet';
export const ICCID = '8944500102198304826';
export const UNKNOWN_ICCID = '8944500102198304834';

export const CREDENTIALS = {
  'rest-oauth2': { clientId: 'test-client', clientSecret: 'test-secret-not-real' },
  'async-jobs': { apiKey: 'test-api-key-not-real' },
  'legacy-ratelimited': { username: 'test-user', password: 'test-password-not-real' },
} as const satisfies Record<string, Record<string, string>>;

/** Credentials the CMP does not know (the recorder forwarded them unchanged). */
export const WRONG_CREDENTIALS = {
  'rest-oauth2': { clientId: 'test-client', clientSecret: 'test-secret-revoked-not-real' },
  'async-jobs': { apiKey: 'test-api-key-revoked-not-real' },
  'legacy-ratelimited': { username: 'test-user', password: 'test-password-revoked-not-real' },
} as const satisfies Record<string, Record<string, string>>;

/** Every rule Switchboard has, each with a value that exercises its translation. */
export const POLICY: PolicyDocument = {
  data: {
    apns: ['iot.acme', 'iot.backup'],
    destinations: [
      { cidr: '10.0.0.0/8', protocol: 'tcp', ports: [443, '8000-8099'] },
      { cidr: '2001:db8::/32', protocol: 'udp', ports: [53] },
      { cidr: '192.0.2.0/24', protocol: 'any' },
    ],
    internetBreakout: false,
  },
  sms: { mo: ['+4915112345678', '+4930*'], mt: [] },
  roaming: { countries: ['DE', 'FR'], plmns: ['262-01', '310-260'] },
  imeiLock: true,
  caps: { dataMbPerMonth: 500, smsPerMonth: 100 },
  vpn: { peer: '203.0.113.10', subnets: ['10.20.0.0/16'], secretRef: 'secret://vpn/acme-site-a' },
};

/** A policy with one rule only (breakout off, as every parsed policy has at least). */
export const SMALL_POLICY: PolicyDocument = { data: { internetBreakout: false } };
