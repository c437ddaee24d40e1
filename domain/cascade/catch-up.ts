import { chosenMnos, type EnterpriseState } from '../enterprise/decider.ts';
import { unavailableReason, type MnoState } from '../mno/decider.ts';
import type { PolicyState } from '../policy/decider.ts';
import type { SimState } from '../sim/decider.ts';
import type { CascadeSubject } from './events.ts';
import { desiredSimState } from './process.ts';
import type { TargetStatus } from './target.ts';

/**
 * Catch-up, pure: when an MNO comes to deserve the current policies and SIM states it was not
 * given (it was in outage, unverified or quarantined while they were published, or an enterprise
 * has just chosen it), which changes to carry to it. The caller records one cascade per change,
 * to that MNO alone, attributed to the platform.
 */

/** The MNO could not get work before the event and can now (verified after unverified or quarantined, outage cleared). */
export const becameAvailable = (before: MnoState, after: MnoState) => unavailableReason(before) !== undefined && unavailableReason(after) === undefined;

/** The MNOs the enterprise works with after the event and did not before it. */
export const newlyChosen = (before: EnterpriseState, after: EnterpriseState): string[] => {
  const had = new Set(chosenMnos(before));
  return chosenMnos(after).filter((mno) => !had.has(mno));
};

/**
 * Whether a change is owed to an MNO, given how its own cascade's target there stands
 * (`targetThere`; undefined when the MNO was no target of it, or it has none): owed when that
 * cascade passed the MNO over (skipped, failed, superseded) or never had it as a target; not when
 * the MNO confirmed it, nor while that cascade is still carrying it there (it gets there itself).
 */
export const owed = (targetThere: TargetStatus | undefined) => targetThere === undefined || targetThere === 'skipped' || targetThere === 'failed' || targetThere === 'superseded';

/** The policy's latest version, when it is owed to the MNO (`targetThere`: the version's own cascade's target there). */
export const policyToCatchUp = (policy: PolicyState, targetThere: TargetStatus | undefined): Extract<CascadeSubject, { kind: 'policy' }> | undefined =>
  policy.policyId === undefined || policy.latestVersion === 0 || !owed(targetThere)
    ? undefined
    : { kind: 'policy', policyId: policy.policyId, version: policy.latestVersion };

/**
 * A profile that is not the enabled one, on this MNO, whose subscription the MNO was last seen
 * holding active (it was to be set out of use while the MNO was down): to be suspended there.
 */
export const outOfUseToCatchUp = (sim: SimState, mno: string): Extract<CascadeSubject, { kind: 'sim-state' }> | undefined => {
  if (sim.status === 'unregistered' || sim.status === 'inventory' || sim.observed[mno] !== 'active') return undefined;
  const enabled = sim.profiles.find((p) => p.iccid === sim.enabledProfile);
  const left = sim.profiles.find((p) => p.mno === mno && p.iccid !== sim.enabledProfile && (p.state === 'disabled' || p.state === 'enabled'));
  return left && enabled?.mno !== mno ? { kind: 'sim-state', eid: sim.eid, state: 'suspended', iccid: left.iccid } : undefined;
};

/**
 * The SIM's state at the MNO, when its enabled profile is there, the MNO has not confirmed the state
 * the SIM should have, and it is owed (`targetThere`: the target there of the cascade of the SIM's
 * last state change).
 */
export const simStateToCatchUp = (sim: SimState, mno: string, targetThere: TargetStatus | undefined): Extract<CascadeSubject, { kind: 'sim-state' }> | undefined => {
  const desired = desiredSimState(sim);
  if (sim.status === 'unregistered' || desired === undefined || !sim.profiles.some((p) => p.iccid === sim.enabledProfile && p.mno === mno)) return undefined;
  if (!owed(targetThere)) return undefined;
  // Its own cascade passed the MNO over: what the MNO was last seen to hold may be older than that change (owed anyway).
  if (targetThere === undefined && sim.observed[mno] === desired) return undefined;
  return { kind: 'sim-state', eid: sim.eid, state: desired };
};
