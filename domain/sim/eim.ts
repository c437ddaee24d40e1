import { executePsmo, type EuiccState } from '../euicc/euicc.ts';
import type { Psmo, PsmoResult } from '../euicc/package.ts';
import type { Profile } from './events.ts';

/**
 * Switchboard as the SIM's eIM (SGP.32), pure: the packages it has queued for the eUICC (each with
 * the next counter), and what the SIM's profiles become once the eUICC's signed result says what it
 * did. The eUICC's own rules (domain/euicc/euicc.ts) decide both what a PSMO may do and its effect,
 * so Switchboard never records a profile state the eUICC would not reach.
 */
export interface QueuedPackage {
  counter: number;
  transactionId: string;
  psmos: Psmo[];
}

export interface EimState {
  /** The counter of the last package queued (0 before any): the next one carries one more. */
  counter: number;
  /** Queued and not yet answered, oldest first: the device gets them in this order. */
  pending: QueuedPackage[];
}

/** For predicting: every profile attaches (a rollback is only what the eUICC reports). */
const everything = () => true;

export const NO_PACKAGES: EimState = { counter: 0, pending: [] };


/** The installed profiles as the eUICC holds them (ordered, downloading and deleted ones are not on it). */
const asEuicc = (eid: string, profiles: readonly Profile[]): EuiccState => ({
  eid,
  counter: 0,
  profiles: profiles.filter((p) => p.state === 'enabled' || p.state === 'disabled').map((p) => ({ iccid: p.iccid, state: p.state as 'enabled' | 'disabled', fallback: p.fallback })),
});

/** The SIM's profiles with the eUICC's after-state: states and fallback from it, deleted where it no longer holds one. */
const fromEuicc = (profiles: readonly Profile[], euicc: EuiccState): Profile[] =>
  profiles.map((p) => {
    if (p.state !== 'enabled' && p.state !== 'disabled') return p;
    const held = euicc.profiles.find((e) => e.iccid === p.iccid);
    return held ? { ...p, state: held.state, fallback: held.fallback } : { ...p, state: 'deleted' };
  });

/** The profiles as they will be once every pending package has run as asked (each PSMO `ok`). */
export const desiredProfiles = (eid: string, profiles: readonly Profile[], eim: EimState): Profile[] => {
  let euicc = asEuicc(eid, profiles);
  for (const pkg of eim.pending) for (const psmo of pkg.psmos) euicc = executePsmo(euicc, psmo, everything).euicc;
  return fromEuicc(profiles, euicc);
};

/** Why these PSMOs cannot be asked of the eUICC as it will be (after what is pending): the first that its rules would refuse, or undefined. */
export const psmoRefusal = (eid: string, profiles: readonly Profile[], eim: EimState, psmos: readonly Psmo[]): string | undefined => {
  let euicc = asEuicc(eid, desiredProfiles(eid, profiles, eim));
  for (const [i, psmo] of psmos.entries()) {
    const known = profiles.find((p) => p.iccid === psmo.iccid);
    if (known && known.state !== 'enabled' && known.state !== 'disabled' && !euicc.profiles.some((p) => p.iccid === psmo.iccid))
      return `psmo ${i} (${psmo.op} ${psmo.iccid}): the profile is ${known.state}, not installed on the eUICC`;
    const step = executePsmo(euicc, psmo, everything);
    if (step.outcome !== 'ok') return `psmo ${i} (${psmo.op} ${psmo.iccid}): ${step.outcome}`;
    euicc = step.euicc;
  }
  return undefined;
};

/** The SIM's profiles after the eUICC reported what it did: only what it says it did (`ok`) changes anything; a rollback changes nothing. */
export const profilesAfter = (eid: string, profiles: readonly Profile[], psmos: readonly Psmo[], results: readonly PsmoResult[]): Profile[] => {
  let euicc = asEuicc(eid, profiles);
  for (const result of results) {
    const psmo = psmos.find((p) => p.op === result.op && p.iccid === result.iccid);
    if (psmo && result.outcome === 'ok') euicc = executePsmo(euicc, psmo, everything).euicc;
  }
  return fromEuicc(profiles, euicc);
};
