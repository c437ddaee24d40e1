import { unavailableReason, type MnoState } from '../mno/decider.ts';
import type { SimCommand } from '../sim/commands.ts';
import type { SimState } from '../sim/decider.ts';
import { desiredProfiles } from '../sim/eim.ts';
import { fallbackPlan } from '../sim/fallback.ts';
import type { BulkRequest } from './request.ts';

/**
 * One SIM of a bulk operation, pure: the command the operation gives it (the same one a request
 * for that SIM alone would make, so every rule of the SIM applies), or why it is skipped. The SIM
 * decides the command; a refusal is the item's failure, with the SIM's own reason.
 */
export type ItemStep = { kind: 'command'; command: SimCommand } | { kind: 'skip'; code: SkipCode; reason: string } | { kind: 'fail'; code: string; reason: string };

/** Why an item did nothing: it was so already, it is not (or no longer) concerned, it has no usable fallback, the MNO asked for cannot take work, the operation was cancelled. */
export type SkipCode = 'already' | 'not-concerned' | 'no-fallback' | 'mno-unavailable' | 'cancelled';

export interface ItemContext {
  actor: string;
  /** Fresh hex for a queued eIM package (the domain draws nothing at random). */
  transactionId: string;
  /** A fresh profile order id (order-profile). */
  orderId?: string | undefined;
  /** The enterprise's MNOs (a profile is ordered from them only). */
  chosen?: readonly string[] | undefined;
  /** The MNOs the SIM's profiles are on, as they are now (fallback picks one that can take work). */
  mnos: (id: string) => MnoState;
}

export const itemStep = (request: BulkRequest, sim: SimState, context: ItemContext): ItemStep => {
  const { actor } = context;
  if (sim.status === 'unregistered') return { kind: 'fail', code: 'sim-not-found', reason: 'no SIM with this EID is registered for this enterprise' };
  switch (request.action) {
    case 'activate':
      return { kind: 'command', command: { type: 'ActivateSim', actor, reason: request.reason } };
    case 'suspend':
      return { kind: 'command', command: { type: 'SuspendSim', actor, reason: request.reason } };
    case 'resume':
      return { kind: 'command', command: { type: 'ResumeSim', actor, reason: request.reason } };
    case 'set-labels':
      return { kind: 'command', command: { type: 'SetSimLabels', actor, labels: request.labels } };
    case 'enable-profile':
      return request.awayFrom !== undefined ? leave(request.awayFrom, sim, context) : enableOn(request.mno!, request.rollback, sim, context);
    case 'order-profile': {
      const mno = context.mnos(request.mno);
      const unavailable = unavailableReason(mno);
      if (unavailable !== undefined) return { kind: 'skip', code: 'mno-unavailable', reason: `${request.mno} cannot take work: ${unavailable}` };
      if (mno.status !== 'unknown' && !mno.registration.api.smdpEndpoint) return { kind: 'fail', code: 'no-smdp', reason: `${request.mno} has no SM-DP+ registered` };
      return { kind: 'command', command: { type: 'RequestProfileOrder', actor, orderId: context.orderId ?? '', mno: request.mno, chosen: context.chosen ?? [] } };
    }
  }
};

const enableOn = (mno: string, rollback: boolean, sim: SimState, { actor, transactionId, mnos }: ItemContext): ItemStep => {
  if (sim.status === 'unregistered') return { kind: 'fail', code: 'sim-not-found', reason: 'no SIM with this EID is registered for this enterprise' };
  const profiles = desiredProfiles(sim.eid, sim.profiles, sim.eim);
  const target = profiles.find((p) => p.mno === mno && (p.state === 'enabled' || p.state === 'disabled'));
  if (!target) return { kind: 'skip', code: 'not-concerned', reason: `no profile on ${mno} is installed on its eUICC` };
  if (target.state === 'enabled') return { kind: 'skip', code: 'already', reason: `its profile on ${mno} is enabled already (or queued to be)` };
  const unavailable = unavailableReason(mnos(mno));
  if (unavailable !== undefined) return { kind: 'skip', code: 'mno-unavailable', reason: `${mno} cannot take work: ${unavailable}` };
  return { kind: 'command', command: { type: 'QueueEimPackage', actor, transactionId, psmos: [{ op: 'enable', iccid: target.iccid, rollback }] } };
};

const leave = (down: string, sim: SimState, { actor, transactionId, mnos }: ItemContext): ItemStep => {
  const plan = fallbackPlan(sim, down, mnos);
  if (plan.kind === 'unaffected') return { kind: 'skip', code: 'not-concerned', reason: `its enabled profile is not on ${down} (or it is not in use)` };
  if (plan.kind === 'skip') return { kind: 'skip', code: 'no-fallback', reason: plan.reason };
  return { kind: 'command', command: { type: 'QueueEimPackage', actor, transactionId, psmos: plan.psmos } };
};

/** An item's outcome: its SIM's command accepted (`succeeded`), refused (`failed`, with the SIM's reason), or nothing to do (`skipped`). */
export type ItemOutcome = { outcome: 'succeeded' } | { outcome: 'failed'; code: string; reason: string } | { outcome: 'skipped'; code: SkipCode; reason: string };
