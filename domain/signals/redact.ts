import type { Detection } from './detectors.ts';

/**
 * Evidence as it is kept: an SMS's other party is a person's number, which the enterprise did not
 * ask to be stored; its country code and operator prefix (what an allow-list entry names) are
 * enough to see what was broken. Everything else in evidence is the device's and the network's.
 */
export const redacted = (detection: Detection): Detection => {
  const party = detection.evidence.party;
  if (typeof party !== 'string') return detection;
  return { ...detection, evidence: { ...detection.evidence, party: `${party.slice(0, 6)}${'•'.repeat(Math.max(0, party.length - 6))}` } };
};
