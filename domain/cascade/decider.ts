import { CASCADE_RENAMED } from './events.ts';
import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { CascadeEvents } from './events.ts';
import { DomainError } from '../errors.ts';
import type { CascadeEvent, CascadeSubject } from './events.ts';
import { evolveTarget, isTargetEvent, type Target } from './target.ts';

export { finished, type Target, type TargetStatus } from './target.ts';

export type CascadeStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'superseded';

export type CascadeState =
  | { status: 'none' }
  | {
      status: CascadeStatus;
      cascadeId: string;
      subject: CascadeSubject;
      /** Who started it: the user who published or changed the SIM, or the platform (`switchboard:catch-up`); absent in cascades recorded before it was kept. */
      startedBy?: string | undefined;
      targets: Target[];
      round: number;
      /** The MNOs this round works on: every target in round 1, the redriven ones after. */
      roundTargets: string[];
      /** How often this round was resumed after its execution was gone (0 until then): names its execution. */
      attempt: number;
    };

/**
 * The cascade's own stream: started, completed (with each target's outcome, read from the round's
 * target streams by the caller), redriven. Each target's steps are on a stream of their own
 * (target.ts), so that the MNOs of a cascade never contend for one stream.
 */
export type CascadeCommand =
  | { type: 'StartCascade'; cascadeId: string; subject: CascadeSubject; targets: string[]; startedBy?: string | undefined }
  | { type: 'CompleteCascade'; targets: readonly Target[] }
  /** `superseded`: why a newer change has taken this one's place (the caller finds it: domain/cascade/process.ts `supersededBy`). */
  | { type: 'RedriveCascade'; superseded?: string | undefined }
  /**
   * The execution of `round`'s attempt `gone` is not running (the reconciler found it so): run the
   * round again under the next attempt. Only while that is still the round and attempt (two
   * reconcilers finding it gone resume it once).
   */
  | { type: 'ResumeCascade'; round: number; gone: number };

type Running = Extract<CascadeState, { status: CascadeStatus }>;

const existing = (state: CascadeState): Running => {
  if (state.status === 'none') throw new DomainError('not-found', 'cascade-not-found', 'cascade not found');
  return state;
};

/**
 * superseded when a newer change took every target's place; otherwise, of the targets not
 * superseded, succeeded when every one verified, failed when none did, partial in between. Only
 * real failures make a cascade `failed` (alarms key on it).
 */
export const outcome = (targets: readonly Target[]): Exclude<CascadeStatus, 'running'> => {
  const own = targets.filter((t) => t.status !== 'superseded');
  if (targets.length > 0 && own.length === 0) return 'superseded';
  const verified = own.filter((t) => t.status === 'verified').length;
  return verified === own.length ? 'succeeded' : verified === 0 ? 'failed' : 'partial';
};

/** The targets with the round's outcomes in place of what they were when the round began. */
const withRound = (cascade: Running, outcomes: readonly Target[]) => {
  const byMno = new Map(outcomes.map((t) => [t.mno, t]));
  return cascade.targets.map((t) => (cascade.roundTargets.includes(t.mno) ? (byMno.get(t.mno) ?? t) : t));
};

const snapshot = (t: Target): Target => ({
  mno: t.mno,
  status: t.status,
  attempts: t.attempts,
  ...(t.lastError !== undefined && { lastError: t.lastError }),
  ...(t.appliedAt !== undefined && { appliedAt: t.appliedAt }),
  ...(t.verifiedAt !== undefined && { verifiedAt: t.verifiedAt }),
});

export const cascadeDecider: Decider<CascadeCommand, CascadeEvent, CascadeState> = {
  events: eventSchemas(CascadeEvents, { renamed: CASCADE_RENAMED }),
  initialState: { status: 'none' },

  decide(command, state) {
    if (command.type === 'StartCascade') {
      if (state.status !== 'none') return [];
      return [{ type: 'CascadeStarted', data: { cascadeId: command.cascadeId, subject: command.subject, targets: [...new Set(command.targets)], startedBy: command.startedBy } }];
    }
    const cascade = existing(state);
    if (command.type === 'ResumeCascade') {
      if (cascade.status !== 'running' || cascade.round !== command.round || cascade.attempt !== command.gone) return [];
      return [{ type: 'CascadeResumed', data: { round: cascade.round, attempt: cascade.attempt + 1 } }];
    }
    if (command.type === 'RedriveCascade') {
      if (cascade.status === 'running') throw new DomainError('conflict', 'cascade-running', 'the cascade is still running');
      // An older change must never overwrite a newer one at an MNO.
      if (command.superseded) throw new DomainError('conflict', 'cascade-superseded', `${command.superseded}: redrive that one instead`);
      const targets = cascade.targets.filter((t) => t.status !== 'verified' && t.status !== 'superseded').map((t) => t.mno);
      if (targets.length === 0) throw new DomainError('conflict', 'nothing-to-redrive', 'every target of this cascade succeeded or was superseded');
      return [{ type: 'CascadeRedriven', data: { round: cascade.round + 1, targets } }];
    }
    if (cascade.status !== 'running') return []; // a repeated completion changes nothing
    const unknown = command.targets.find((t) => !cascade.roundTargets.includes(t.mno));
    if (unknown) throw new DomainError('invalid', 'not-a-target', `${unknown.mno} is not a target of this round`);
    const targets = withRound(cascade, command.targets).map(snapshot);
    return [{ type: 'CascadeCompleted', data: { status: outcome(targets), targets } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CascadeStarted':
        return {
          status: 'running',
          cascadeId: event.data.cascadeId,
          subject: event.data.subject,
          ...(event.data.startedBy !== undefined && { startedBy: event.data.startedBy }),
          targets: event.data.targets.map((mno) => ({ mno, status: 'pending', attempts: 0 })),
          round: 1,
          roundTargets: event.data.targets,
          attempt: 0,
        };
      case 'CascadeCompleted':
        if (state.status === 'none') return state;
        return { ...state, status: event.data.status, targets: event.data.targets ? event.data.targets.map(snapshot) : state.targets };
      case 'CascadeResumed':
        return state.status === 'none' || event.data.round !== state.round ? state : { ...state, attempt: event.data.attempt };
      case 'CascadeRedriven': {
        if (state.status === 'none') return state;
        const again = new Set(event.data.targets);
        return {
          ...state,
          status: 'running',
          round: event.data.round,
          roundTargets: event.data.targets,
          attempt: 0,
          // Attempts count per round: a redriven target gets the full budget again.
          targets: state.targets.map((t) => (again.has(t.mno) ? { mno: t.mno, status: 'pending', attempts: 0 } : t)),
        };
      }
      default:
        // A target's event (from its own stream, folded in for a live view; or, in cascades
        // recorded before targets had streams of their own, from this one).
        if (state.status === 'none' || !isTargetEvent(event)) return state;
        return { ...state, targets: state.targets.map((t) => (t.mno === event.data.mno ? evolveTarget(t, event) : t)) };
    }
  },
};
