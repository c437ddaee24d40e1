import { unavailableReason, type MnoState } from '../mno/decider.ts';
import type { Psmo } from '../euicc/package.ts';
import type { SimState } from './decider.ts';
import { desiredProfiles } from './eim.ts';

/**
 * Fallback, pure: when an MNO goes down, what a SIM whose enabled profile is there should do: switch
 * to its fallback profile (or, without one marked, to another installed profile) on an MNO that can
 * take work, or nothing, and why. The switch asks the eUICC to roll back if the new profile cannot
 * attach.
 */
export type FallbackPlan = { kind: 'switch'; psmos: Psmo[]; to: { iccid: string; mno: string } } | { kind: 'skip'; reason: string } | { kind: 'unaffected' };

export const fallbackPlan = (sim: SimState, down: string, mnos: (id: string) => MnoState): FallbackPlan => {
  if (sim.status === 'unregistered' || sim.status === 'terminated' || sim.status === 'inventory') return { kind: 'unaffected' };
  // As the eUICC will be once what is already queued has run.
  const profiles = desiredProfiles(sim.eid, sim.profiles, sim.eim);
  const enabled = profiles.find((p) => p.state === 'enabled');
  if (!enabled || enabled.mno !== down) return { kind: 'unaffected' };
  const usable = profiles.filter((p) => p.state === 'disabled' && p.mno !== down && unavailableReason(mnos(p.mno)) === undefined);
  const to = usable.find((p) => p.fallback) ?? usable[0];
  if (!to) {
    const others = profiles.filter((p) => p.state === 'disabled');
    return { kind: 'skip', reason: others.length === 0 ? 'no other profile is installed on its eUICC' : `no other profile is on an MNO that can take work (${others.map((p) => p.mno).join(', ')})` };
  }
  return { kind: 'switch', psmos: [{ op: 'enable', iccid: to.iccid, rollback: true }], to: { iccid: to.iccid, mno: to.mno } };
};
