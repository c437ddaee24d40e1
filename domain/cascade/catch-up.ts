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
 * The policy's latest version, when the MNO has not confirmed it: the version's own cascade did
 * not verify it there (`targetThere`: that target's status, undefined when the MNO was not a target).
 */
export const policyToCatchUp = (policy: PolicyState, targetThere: TargetStatus | undefined): Extract<CascadeSubject, { kind: 'policy' }> | undefined =>
  policy.policyId === undefined || policy.latestVersion === 0 || targetThere === 'verified'
    ? undefined
    : { kind: 'policy', policyId: policy.policyId, version: policy.latestVersion };

/** The SIM's state at the MNO, when a profile of it is there and the MNO has not confirmed the state the SIM should have. */
export const simStateToCatchUp = (sim: SimState, mno: string): Extract<CascadeSubject, { kind: 'sim-state' }> | undefined => {
  const desired = desiredSimState(sim);
  if (sim.status === 'unregistered' || desired === undefined || !sim.profiles.some((p) => p.mno === mno)) return undefined;
  return sim.observed[mno] === desired ? undefined : { kind: 'sim-state', eid: sim.eid, state: desired };
};
