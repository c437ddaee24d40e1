import type { CascadeState } from '../../domain/cascade/decider.ts';
import { beforeSubmission, whenSuperseded } from '../../domain/cascade/process.ts';
import { PreconditionFailed } from '../command.ts';
import { MnoPermanentError, MnoTransientError } from '../ports/mno-gateway.ts';
import { olderSubmissionInDoubt } from './older.ts';
import type { CascadePorts } from './ports.ts';
import { carry, current, loadCascade, movedSincePlanning, openTarget, recordStep, targetAction, viewOf, type TargetAction, type TargetView } from './steps.ts';
import type { LoadedStream } from '../../domain/event-store.ts';
import type { TargetEnd, TargetWork } from './work.ts';
import { readBack, recordApplied } from './applied.ts';

/** Nothing more is done for this target in its round (it ended, or a newer change took its place). */
const ended = (work: TargetWork): TargetWork => ({ ...work, done: true, finished: true, jobId: null, polls: 0, resubmit: false, target: undefined });

/** A retried failure shows as the target's lastError at once, not only when it gives up. */
export const recordTransient = async (ports: CascadePorts, work: TargetWork, error: unknown, known?: TargetView) => {
  ports.countApplyError(work.mno);
  if (error instanceof MnoTransientError)
    await recordStep(ports, work, { type: 'RecordAttemptFailure', mno: work.mno, error: error.message, ...(error.unanswered && { unanswered: true as const }) }, known);
};

/**
 * ApplyToMno: one attempt to submit the change to the MNO; synchronous CMPs are applied at once,
 * and read back in the same step (`recordApplied`).
 * A change that a newer one superseded is not submitted; one that a newer one overtook while it
 * was being submitted has the newest submitted after it, so the MNO never keeps the older.
 */
export const applyToMno = async (ports: CascadePorts, work: TargetWork): Promise<TargetWork | TargetEnd> => {
  // One read says whether the cascade, and the subject, moved since planning: what did not is as planning found it, and is not read again.
  const moved = await movedSincePlanning(ports, work);
  // Work planned with its subject makes its action and, when the subject moved, asks whether a newer change came, while the cascade is read (all before anything is submitted).
  const early = work.subject && work.target ? targetAction(ports, work).then(async (action) => ({ action, before: moved.subject ? await action.superseded() : undefined })) : undefined;
  early?.catch(() => undefined);
  // An execution the reconciler has replaced (it resumed the round under a later attempt, on the cascade's stream) submits nothing.
  const cascade = moved.cascade ? await loadCascade(ports, work) : undefined;
  if (cascade && !current(cascade, work)) return ended(work);
  return submit(ports, work, cascade, (await early) ?? {});
};

/** What the step has made or found out already: its action, whether a newer change came (a moment ago), its rate budget taken, the target's stream as just read. */
interface Found {
  action?: TargetAction;
  before?: string | undefined;
  admitted?: boolean;
  fresh?: LoadedStream;
}

/**
 * Every choice before the submission rests on the target as the step found it: when that is the
 * target the work carried (it may be behind its stream), each append before the submission is strict
 * (refused when the stream moved on, and the step decided anew on the stream as it is, without
 * asking again what it has just asked); on a target read here, a put that loses a race is decided
 * again, as any command.
 */
const submit = async (ports: CascadePorts, work: TargetWork, cascade: CascadeState | undefined, found: Found): Promise<TargetWork | TargetEnd> => {
  const action = found.action ?? (await targetAction(ports, work, cascade));
  let target = found.fresh ? viewOf(found.fresh) : await openTarget(ports, work);
  const strict = work.target !== undefined && !found.fresh;
  const next = beforeSubmission(target.state);
  if (next.kind === 'finished') return ended(work);
  if (next.kind === 'give-up') throw new MnoPermanentError(next.reason);
  // What the work carries for every step goes on (whatever planning added); this step's own outcome is made anew.
  const { target: _target, done: _done, jobId: _jobId, polls: _polls, resubmit: _resubmit, finished: _finished, error: _error, ...carried } = work;
  const base = { ...carried, subject: action.subject, registration: action.registration, polls: 0, resubmit: false };
  const step = (view: TargetView, done: boolean, jobId: string | null): TargetWork => ({ ...base, done, jobId, target: carry(view) });
  // A resumed round goes on from the step that completed: read back, or poll the job the MNO took.
  if (next.kind === 'verify') return step(target, true, null);
  if (next.kind === 'poll') return step(target, false, next.jobId);
  const now = Date.parse(ports.now());
  // Asked every time, however recently planning found the change the newest: a newer one planned, applied and verified in that moment must not get this older one after it.
  const before = 'before' in found ? found.before : await action.superseded();
  let admitted = found.admitted ?? false;
  try {
    if (before) {
      // A submission of this older change that never answered may still land over the newer one: wait it out, then submit the newest over it.
      const when = whenSuperseded(target.state, now);
      if (when === 'settle') return { ...base, done: false, jobId: null, resubmit: true };
      if (when === 'converge') await action.converge();
      await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason: before }, target, strict);
      return ended(work);
    }
    // An older change's submission to this MNO that never answered may still land: submit this one after it can no more.
    if (await olderSubmissionInDoubt(ports, work, action.subject, now)) return { ...base, done: false, jobId: null, resubmit: true };
    // Within the MNO's rate (else MnoRateLimited: the workflow waits, and this is no attempt).
    if (!admitted) await action.admit();
    admitted = true;
    target = await recordStep(ports, work, { type: 'BeginAttempt', mno: work.mno, at: ports.now() }, target, strict);
  } catch (error) {
    // Only a strict append is refused so: the carried target was behind its stream (a retried step, a repeated execution).
    if (error instanceof PreconditionFailed && strict) return submit(ports, { ...work, target: undefined }, cascade, { action, before, admitted, fresh: error.fresh });
    throw error;
  }
  const submission = await action.apply().catch(async (error: unknown) => {
    await recordTransient(ports, work, error, target);
    throw error;
  });
  // A synchronous CMP holds the change now: it is read back while the step asks whether a newer change overtook the submission.
  const answeredAt = ports.now();
  const held = submission.done ? readBack(ports, action) : undefined;
  // A newer change that overtook the submission: the newest is submitted after it, and the target ends superseded (never applied: a retry after a failed converge must converge again).
  const overtaken = await action.superseded();
  if (overtaken) {
    // The read-back (it never fails) is of no use now: the newest goes out at once.
    await action.converge();
    await recordStep(ports, work, { type: 'MarkSuperseded', mno: work.mno, reason: overtaken }, target);
    return ended(work);
  }
  if (submission.done) {
    const outcome = await recordApplied(ports, work, action, target, answeredAt, await held);
    return 'verified' in outcome ? outcome.verified : step(outcome.applied, true, null);
  }
  return step(await recordStep(ports, work, { type: 'RecordSubmission', mno: work.mno, jobId: submission.jobId }, target), false, submission.jobId);
};
