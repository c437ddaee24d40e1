import type { SimState } from '../../domain/sim/decider.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { Sim } from './sims.schema.ts';

/** The SIM as the API shows it. */
export const simView = (state: SimState, version: number): z.output<typeof Sim> | undefined => {
  if (state.status === 'unregistered') return undefined;
  return {
    eid: state.eid,
    state: state.status,
    version,
    profiles: state.profiles,
    /** The ICCID of the enabled profile: lifecycle changes go to its MNO. */
    enabledProfile: state.enabledProfile,
    ...(state.imei && { imei: state.imei }),
    ...(state.pendingTermination && { pendingTermination: state.pendingTermination }),
    /** Suspended by Switchboard on an alert: which, and who has asked to release it (people only; as many as it says). */
    ...(state.containment && { containment: { by: 'switchboard:guard', response: state.quarantined ? 'quarantine' : 'suspend', ...state.containment } }),
    /** Active, but held at its MNO to the policy's management destinations (no SMS) until a person releases it. */
    ...(state.quarantined && { quarantined: true }),
    /** Desired is `state`; this is what each MNO hosting a profile confirmed it holds. */
    observed: state.observed,
    labels: [...(state.labels ?? [])],
    /** Profiles ordered from SM-DP+s: requested, ordered (then see the profile), or failed with why. */
    orders: [...state.orders.orders],
  };
};
