/**
 * Switchboard's secrets in AWS Secrets Manager: every name starts with `switchboard/`, so IAM can
 * grant a function one family of them and nothing else. The CDK app and the adapters share these
 * names.
 * - `switchboard/webhooks/<tenant>/<subscription id>`: a subscription's signing secret, written by
 *   the create route, read by the delivery functions and the redeliver route.
 * - `switchboard/mno/<id>`: a CMP's credentials (JSON object), written by an operator
 *   (`aws secretsmanager create-secret`), referenced from the MNO registration as `secret://mno/<id>`,
 *   read by the cascade tasks that call CMPs (and, for its ES2+ key, by the SM-DP+ steps).
 * - `switchboard/mno-inbound/<id>`: the keys an MNO signs what it sends Switchboard with (JSON:
 *   `signalKey` for its signal batches, `es2plusKey` for its SM-DP+'s notifications), written by an
 *   operator, read only by the public routes that check them (never the CMP credentials, which those
 *   routes, reachable without a token, must not hold).
 * - `switchboard/activation-codes/<tenant>/<eid>/<iccid>`: an ordered profile's activation code
 *   (SGP.22: `1$<SM-DP+ address>$<matching id>`), created by the order step, read once by the
 *   devices' package route (it hands it to that device alone), deleted once the profile is installed.
 */
export const SECRET_FAMILIES = {
  webhooks: 'switchboard/webhooks/',
  mnoCredentials: 'switchboard/mno/',
  mnoInboundKeys: 'switchboard/mno-inbound/',
  activationCodes: 'switchboard/activation-codes/',
} as const;
export type SecretFamily = keyof typeof SECRET_FAMILIES;

/** The customer-managed key each region encrypts Switchboard's secrets with (the same alias in every region). */
export const SECRETS_KEY_ALIAS = 'alias/switchboard-secrets';
