/**
 * What Switchboard detects, one kind per rule a signal or a read-back can break. A policy names
 * its response to each (domain/policy/document.ts `responses`); a SIM has at most one open alert
 * of each kind.
 */
export const ALERT_KINDS = ['imei-mismatch', 'roaming-not-allowed', 'destination-not-allowed', 'sms-not-allowed', 'usage-over-cap', 'usage-spike', 'unexpected-profile', 'state-drift', 'policy-drift'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * What is done when a kind is detected: `alert` (the alert alone, the default), `suspend` (the SIM
 * suspended at its MNO by `switchboard:guard`), `quarantine` (the SIM kept active at its MNO but
 * restricted to the policy's management destinations, no SMS).
 */
export const RESPONSES = ['alert', 'suspend', 'quarantine'] as const;
export type Response = (typeof RESPONSES)[number];
