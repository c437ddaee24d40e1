import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { CascadeEvent, CascadeSubject } from './events.ts';

export type TargetStatus = 'pending' | 'applying' | 'applied' | 'verified' | 'failed' | 'skipped';
export type CascadeStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface Target {
  mno: string;
  status: TargetStatus;
  attempts: number;
  lastError?: string | undefined;
  appliedAt?: string | undefined;
  verifiedAt?: string | undefined;
}

export type CascadeState =
  | { status: 'none' }
  | { status: CascadeStatus; cascadeId: string; subject: CascadeSubject; targets: Target[]; round: number };

export type CascadeCommand =
  | { type: 'StartCascade'; cascadeId: string; subject: CascadeSubject; targets: string[] }
  | { type: 'SkipTarget'; mno: string; reason: string }
  | { type: 'BeginAttempt'; mno: string }
  | { type: 'MarkApplied'; mno: string; at: string; jobId?: string | undefined }
  | { type: 'MarkVerified'; mno: string; at: string }
  | { type: 'MarkDrifted'; mno: string; rules: string[] }
  | { type: 'MarkFailed'; mno: string; error: string; permanent: boolean }
  | { type: 'RecordAttemptFailure'; mno: string; error: string }
  | { type: 'CompleteCascade' }
  | { type: 'RedriveCascade' };

type Running = Extract<CascadeState, { status: CascadeStatus }>;

const existing = (state: CascadeState): Running => {
  if (state.status === 'none') throw new DomainError('not-found', 'cascade-not-found', 'cascade not found');
  return state;
};

const targetOf = (state: Running, mno: string) => {
  const target = state.targets.find((t) => t.mno === mno);
  if (!target) throw new DomainError('invalid', 'not-a-target', `${mno} is not a target of this cascade`);
  return target;
};

/** succeeded when every target verified, failed when none did, partial otherwise. */
export const outcome = (targets: readonly Target[]): Exclude<CascadeStatus, 'running'> => {
  const verified = targets.filter((t) => t.status === 'verified').length;
  return verified === targets.length ? 'succeeded' : verified === 0 ? 'failed' : 'partial';
};

const update = (state: CascadeState, mno: string, change: (t: Target) => Target): CascadeState =>
  state.status === 'none' ? state : { ...state, targets: state.targets.map((t) => (t.mno === mno ? change(t) : t)) };

export const cascadeDecider: Decider<CascadeCommand, CascadeEvent, CascadeState> = {
  initialState: { status: 'none' },

  decide(command, state) {
    if (command.type === 'StartCascade') {
      if (state.status !== 'none') return [];
      return [{ type: 'CascadeStarted', data: { cascadeId: command.cascadeId, subject: command.subject, targets: [...new Set(command.targets)] } }];
    }
    const cascade = existing(state);
    if (command.type === 'RedriveCascade') {
      if (cascade.status === 'running') throw new DomainError('conflict', 'cascade-running', 'the cascade is still running');
      const targets = cascade.targets.filter((t) => t.status !== 'verified').map((t) => t.mno);
      if (targets.length === 0) throw new DomainError('conflict', 'nothing-to-redrive', 'every target of this cascade succeeded');
      return [{ type: 'CascadeRedriven', data: { round: cascade.round + 1, targets } }];
    }
    if (cascade.status !== 'running') return []; // late or repeated work on a finished cascade changes nothing
    if (command.type === 'CompleteCascade') return [{ type: 'CascadeCompleted', data: { status: outcome(cascade.targets) } }];
    const target = targetOf(cascade, command.mno);
    const { mno } = command;
    switch (command.type) {
      case 'SkipTarget':
        return target.status === 'pending' ? [{ type: 'CascadeTargetSkipped', data: { mno, reason: command.reason } }] : [];
      case 'BeginAttempt':
        return target.status === 'verified' ? [] : [{ type: 'CascadeTargetApplying', data: { mno, attempt: target.attempts + 1 } }];
      case 'MarkApplied':
        return target.status === 'applying' ? [{ type: 'CascadeTargetApplied', data: { mno, at: command.at, jobId: command.jobId } }] : [];
      case 'MarkVerified':
        return target.status === 'applied' ? [{ type: 'CascadeTargetVerified', data: { mno, at: command.at } }] : [];
      case 'MarkDrifted': {
        if (target.status !== 'applied') return [];
        const detail = `${mno} does not enforce what was applied: ${command.rules.join(', ')}`;
        return [
          { type: 'SecurityAlertRaised', data: { mno, kind: 'policy-drift', rules: command.rules, detail } },
          { type: 'CascadeTargetFailed', data: { mno, error: `drift: ${command.rules.join(', ')}`, permanent: false } },
        ];
      }
      case 'RecordAttemptFailure':
        return target.status === 'applying' ? [{ type: 'CascadeAttemptFailed', data: { mno, attempt: target.attempts, error: command.error } }] : [];
      case 'MarkFailed':
        return target.status === 'verified' || target.status === 'failed' || target.status === 'skipped'
          ? []
          : [{ type: 'CascadeTargetFailed', data: { mno, error: command.error, permanent: command.permanent } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CascadeStarted':
        return {
          status: 'running',
          cascadeId: event.data.cascadeId,
          subject: event.data.subject,
          targets: event.data.targets.map((mno) => ({ mno, status: 'pending', attempts: 0 })),
          round: 1,
        };
      case 'CascadeTargetSkipped':
        return update(state, event.data.mno, (t) => ({ ...t, status: 'skipped', lastError: event.data.reason }));
      case 'CascadeTargetApplying':
        return update(state, event.data.mno, (t) => ({ ...t, status: 'applying', attempts: event.data.attempt }));
      case 'CascadeTargetApplied':
        return update(state, event.data.mno, (t) => ({ ...t, status: 'applied', appliedAt: event.data.at, lastError: undefined }));
      case 'CascadeTargetVerified':
        return update(state, event.data.mno, (t) => ({ ...t, status: 'verified', verifiedAt: event.data.at }));
      case 'CascadeTargetFailed':
        return update(state, event.data.mno, (t) => ({ ...t, status: 'failed', lastError: event.data.error }));
      case 'CascadeAttemptFailed':
        return update(state, event.data.mno, (t) => ({ ...t, lastError: event.data.error }));
      case 'SecurityAlertRaised':
        return state;
      case 'CascadeCompleted':
        return state.status === 'none' ? state : { ...state, status: event.data.status };
      case 'CascadeRedriven': {
        if (state.status === 'none') return state;
        const again = new Set(event.data.targets);
        return {
          ...state,
          status: 'running',
          round: event.data.round,
          // Attempts count per round: a redriven target gets the full budget again.
          targets: state.targets.map((t) => (again.has(t.mno) ? { ...t, status: 'pending', attempts: 0 } : t)),
        };
      }
    }
  },
};
