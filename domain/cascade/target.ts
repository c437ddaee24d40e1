import { CASCADE_RENAMED } from './events.ts';
import type { Decider } from '../decider.ts';
import { eventSchemas, pickedSchemas } from '../events.ts';
import { CascadeEvents } from './events.ts';
import type { CascadeEvent } from './events.ts';

export type TargetStatus = 'pending' | 'applying' | 'applied' | 'verified' | 'failed' | 'skipped' | 'superseded';

/** How far one MNO got in one round of a cascade. */
export interface Target {
  mno: string;
  status: TargetStatus;
  attempts: number;
  /** When the current attempt's submission began. */
  attemptAt?: string | undefined;
  /** The latest submission got no answer (begun and never answered, or timed out): it may still land at the MNO. */
  inDoubt?: boolean | undefined;
  /** The job an asynchronous CMP took this attempt's submission as (until the next attempt begins). */
  jobId?: string | undefined;
  lastError?: string | undefined;
  appliedAt?: string | undefined;
  verifiedAt?: string | undefined;
}

/** A target's round ends verified, failed, skipped or superseded; anything else is unfinished. */
export const finished = (target: Pick<Target, 'status'>) =>
  target.status === 'verified' || target.status === 'failed' || target.status === 'skipped' || target.status === 'superseded';

export type TargetCommand =
  | { type: 'SkipTarget'; mno: string; reason: string }
  | { type: 'BeginAttempt'; mno: string; at?: string | undefined }
  | { type: 'RecordSubmission'; mno: string; jobId: string }
  /** `verifiedAt`: the MNO was read back at once and holds the change (applied and verified in one commit). */
  | { type: 'MarkApplied'; mno: string; at: string; jobId?: string | undefined; verifiedAt?: string | undefined }
  | { type: 'MarkVerified'; mno: string; at: string }
  | { type: 'MarkDrifted'; mno: string; rules: string[] }
  | { type: 'MarkFailed'; mno: string; error: string; permanent: boolean }
  | { type: 'MarkSuperseded'; mno: string; reason: string }
  | { type: 'RecordAttemptFailure'; mno: string; error: string; jobFailed?: true | undefined; unanswered?: true | undefined };

/** The events of one target's stream. */
export type TargetEvent = Extract<
  CascadeEvent,
  {
    type:
      | 'CascadeTargetSkipped'
      | 'CascadeTargetApplying'
      | 'CascadeTargetSubmitted'
      | 'CascadeTargetApplied'
      | 'CascadeTargetVerified'
      | 'CascadeTargetFailed'
      | 'CascadeTargetSuperseded'
      | 'CascadeAttemptFailed'
      | 'CascadeTargetDrifted';
  }
>;

const TARGET_EVENTS = new Set<string>([
  'CascadeTargetSkipped',
  'CascadeTargetApplying',
  'CascadeTargetSubmitted',
  'CascadeTargetApplied',
  'CascadeTargetVerified',
  'CascadeTargetFailed',
  'CascadeTargetSuperseded',
  'CascadeAttemptFailed',
  'CascadeTargetDrifted',
]);
export const isTargetEvent = (event: CascadeEvent): event is TargetEvent => TARGET_EVENTS.has(event.type);

/** A target's state after one of its events. */
export const evolveTarget = (t: Target, event: TargetEvent): Target => {
  switch (event.type) {
    case 'CascadeTargetSkipped':
      return { ...t, status: 'skipped', lastError: event.data.reason };
    case 'CascadeTargetApplying':
      return { ...t, status: 'applying', attempts: event.data.attempt, attemptAt: event.data.at, jobId: undefined, inDoubt: true };
    case 'CascadeTargetSubmitted':
      return event.data.attempt === t.attempts ? { ...t, jobId: event.data.jobId, inDoubt: false } : t;
    case 'CascadeTargetApplied':
      return { ...t, status: 'applied', appliedAt: event.data.at, lastError: undefined, inDoubt: false };
    case 'CascadeTargetVerified':
      return { ...t, status: 'verified', verifiedAt: event.data.at };
    case 'CascadeTargetFailed':
      // Refused by the MNO (permanent): an answer, nothing in doubt.
      return { ...t, status: 'failed', lastError: event.data.error, inDoubt: event.data.permanent ? false : t.inDoubt };
    case 'CascadeTargetSuperseded':
      return { ...t, status: 'superseded', lastError: event.data.reason };
    case 'CascadeAttemptFailed':
      // A job the MNO failed is not polled again; one whose poll failed in passing still is (a resumed round polls it).
      return { ...t, lastError: event.data.error, jobId: event.data.jobFailed ? undefined : t.jobId, inDoubt: event.data.unanswered === true };
    case 'CascadeTargetDrifted':
      return t;
  }
};

/**
 * One MNO in one round of a cascade, as its own stream: the MNO's steps append here, so the
 * targets of a cascade never contend with each other. Its state starts pending with no attempt
 * (the stream is new each round: a redriven target gets the full budget again).
 */
export const targetDecider: Decider<TargetCommand, TargetEvent, Target> = {
  events: eventSchemas(pickedSchemas(CascadeEvents, TARGET_EVENTS as Iterable<keyof typeof CascadeEvents>), { renamed: CASCADE_RENAMED }),
  initialState: { mno: '', status: 'pending', attempts: 0 },

  decide(command, target) {
    const { mno } = command;
    switch (command.type) {
      case 'SkipTarget':
        return target.status === 'pending' ? [{ type: 'CascadeTargetSkipped', data: { mno, reason: command.reason } }] : [];
      case 'BeginAttempt':
        // Verified, failed or skipped ends the target's round: only a redrive (a new round, a new stream) tries again.
        return finished(target) ? [] : [{ type: 'CascadeTargetApplying', data: { mno, attempt: target.attempts + 1, ...(command.at && { at: command.at }) } }];
      case 'RecordSubmission':
        return target.status === 'applying' ? [{ type: 'CascadeTargetSubmitted', data: { mno, attempt: target.attempts, jobId: command.jobId } }] : [];
      case 'MarkApplied': {
        if (target.status !== 'applying') return [];
        const applied: TargetEvent = { type: 'CascadeTargetApplied', data: { mno, at: command.at, jobId: command.jobId } };
        return command.verifiedAt ? [applied, { type: 'CascadeTargetVerified', data: { mno, at: command.verifiedAt } }] : [applied];
      }
      case 'MarkVerified':
        return target.status === 'applied' ? [{ type: 'CascadeTargetVerified', data: { mno, at: command.at } }] : [];
      case 'MarkDrifted': {
        if (target.status !== 'applied') return [];
        const detail = `${mno} does not enforce what was applied: ${command.rules.join(', ')}`;
        return [
          { type: 'CascadeTargetDrifted', data: { mno, kind: 'policy-drift', rules: command.rules, detail } },
          { type: 'CascadeTargetFailed', data: { mno, error: `drift: ${command.rules.join(', ')}`, permanent: false } },
        ];
      }
      case 'RecordAttemptFailure':
        // While submitting or reading back: the failed attempt's error shows at once, not only when the target gives up.
        return target.status === 'applying' || target.status === 'applied'
          ? [{ type: 'CascadeAttemptFailed', data: { mno, attempt: target.attempts, error: command.error, ...(command.jobFailed && { jobFailed: true as const }), ...(command.unanswered && { unanswered: true as const }) } }]
          : [];
      case 'MarkSuperseded':
        return finished(target) ? [] : [{ type: 'CascadeTargetSuperseded', data: { mno, reason: command.reason } }];
      case 'MarkFailed':
        return finished(target) ? [] : [{ type: 'CascadeTargetFailed', data: { mno, error: command.error, permanent: command.permanent } }];
    }
  },

  evolve: (target, event) => evolveTarget({ ...target, mno: event.data.mno }, event),
};
