import type { EuiccPackage, PackageRefusal, Psmo, PsmoOutcome, PsmoResult } from './package.ts';

/**
 * An eUICC's side of SGP.32, pure: the profiles it holds, which one is enabled, which carries the
 * fallback attribute, and the highest package counter it accepted. What a device does with a
 * package Switchboard signed (once it has verified the signature), and what Switchboard expects it
 * to do: the simulated devices run it, and the specs pin it.
 */
export interface EuiccProfile {
  iccid: string;
  state: 'disabled' | 'enabled';
  fallback: boolean;
}

export interface EuiccState {
  eid: string;
  profiles: readonly EuiccProfile[];
  /** The counter of the last package accepted (0 before any): a package must carry a higher one. */
  counter: number;
}

/** What the network lets attach now: an enabled profile that cannot attach within its timeout is rolled back (when the PSMO asks). */
export type Attachable = (iccid: string) => boolean;

/** Whether the package may run at all (its signature was checked before): for this eUICC, and newer than the last one accepted. */
export const refusalOf = (euicc: EuiccState, pkg: Pick<EuiccPackage, 'eid' | 'counter'>): PackageRefusal | undefined => {
  if (pkg.eid !== euicc.eid) return 'invalid-eid';
  // A replayed package (the same counter) or one overtaken by a later one (a lower counter) is refused whole.
  if (pkg.counter <= euicc.counter) return 'replay';
  return undefined;
};

const set = (euicc: EuiccState, iccid: string, change: Partial<EuiccProfile>): EuiccState => ({
  ...euicc,
  profiles: euicc.profiles.map((p) => (p.iccid === iccid ? { ...p, ...change } : p)),
});

/** One PSMO on the eUICC as it stands: the eUICC after it, and its outcome. A PSMO that fails changes nothing. */
export const executePsmo = (euicc: EuiccState, psmo: Psmo, attachable: Attachable): { euicc: EuiccState; outcome: PsmoOutcome } => {
  const profile = euicc.profiles.find((p) => p.iccid === psmo.iccid);
  if (!profile) return { euicc, outcome: 'iccid-not-found' };
  const enabled = euicc.profiles.find((p) => p.state === 'enabled');
  switch (psmo.op) {
    case 'enable': {
      if (profile.state !== 'disabled') return { euicc, outcome: 'profile-not-in-disabled-state' };
      // Enabling one profile disables the one enabled before (one enabled profile at a time).
      const switched = set(enabled ? set(euicc, enabled.iccid, { state: 'disabled' }) : euicc, profile.iccid, { state: 'enabled' });
      if (psmo.rollback && enabled && !attachable(profile.iccid)) return { euicc, outcome: 'rolled-back' };
      return { euicc: switched, outcome: 'ok' };
    }
    case 'disable':
      if (profile.state !== 'enabled') return { euicc, outcome: 'profile-not-in-enabled-state' };
      // A device left with no enabled profile has no connectivity: only a switch (enable) moves off it.
      return { euicc, outcome: 'disallowed-by-policy' };
    case 'delete':
      if (profile.state === 'enabled') return { euicc, outcome: 'profile-not-in-disabled-state' };
      return { euicc: { ...euicc, profiles: euicc.profiles.filter((p) => p.iccid !== profile.iccid) }, outcome: 'ok' };
    case 'setFallbackAttribute':
      // At most one profile carries it: setting it on one takes it from the other.
      return { euicc: { ...euicc, profiles: euicc.profiles.map((p) => ({ ...p, fallback: p.iccid === profile.iccid })) }, outcome: 'ok' };
    case 'unsetFallbackAttribute':
      return { euicc: set(euicc, profile.iccid, { fallback: false }), outcome: 'ok' };
  }
};

/** A profile downloaded (SGP.22 ES9+/ES10b) and installed: disabled, without the fallback attribute; one held already stays as it is. */
export const installProfile = (euicc: EuiccState, iccid: string): EuiccState =>
  euicc.profiles.some((p) => p.iccid === iccid) ? euicc : { ...euicc, profiles: [...euicc.profiles, { iccid, state: 'disabled', fallback: false }] };

/**
 * A package on the eUICC (signature already verified): refused whole (wrong EID, replayed or out of
 * order), or each PSMO executed in order; the counter is kept either way only when accepted.
 */
export const executePackage = (
  euicc: EuiccState,
  pkg: EuiccPackage,
  attachable: Attachable,
): { euicc: EuiccState; refused: PackageRefusal } | { euicc: EuiccState; results: PsmoResult[] } => {
  const refused = refusalOf(euicc, pkg);
  if (refused) return { euicc, refused };
  let state: EuiccState = { ...euicc, counter: pkg.counter };
  const results = pkg.psmos.map((psmo) => {
    const step = executePsmo(state, psmo, attachable);
    state = step.euicc;
    return { op: psmo.op, iccid: psmo.iccid, outcome: step.outcome };
  });
  return { euicc: state, results };
};
