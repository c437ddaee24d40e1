import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { IN_DOUBT_MS, simStateAfter } from '../../domain/cascade/process.ts';
import { targetDecider } from '../../domain/cascade/target.ts';
import { eventsOf, type Commit } from '../../domain/event-store.ts';
import { loadState, stateOf } from '../load-state.ts';
import { cascadeStream, cascadeSubjectStream, cascadeTargetStream } from '../stream-ids.ts';
import { simCascadeId } from './cascade-ids.ts';
import type { CascadePorts } from './ports.ts';
import type { TargetWork } from './work.ts';

/**
 * An older change's submission to an MNO that never answered may still land there, after a newer
 * one: the newer waits until it can no more. These are the older cascades of the same subject and
 * whether a submission of theirs may be in doubt at an MNO.
 */

/** The cascades of the changes before this one to the same subject (the last three), from the subject's stream (the policy's, the SIM's). */
export const olderCascades = (subject: CascadeSubject, subjectCommits: readonly Commit[], own: string): string[] => {
  const events = eventsOf(subjectCommits);
  if (subject.kind === 'policy')
    return events
      .filter((e) => e.type === 'PolicyPublished' && (e.data as { version: number }).version < subject.version)
      .slice(-3)
      .map((e) => (e.data as { cascadeId: string }).cascadeId);
  const stream = subjectCommits[0]?.streamId ?? '';
  return events
    .filter((e) => simStateAfter(e.type) !== undefined)
    .map((e) => simCascadeId(stream, e.version))
    .filter((id) => id !== own)
    .slice(-3);
};

/**
 * Whether an older cascade is done with an MNO for good: it never had it in its round, or its target
 * there ended answered (verified, skipped, superseded) — a cascade whose change was superseded is
 * never redriven, so nothing of it reaches that MNO again. Any other (running, or failed there) may
 * still have a submission in doubt: it is looked at when the step submits.
 */
const doneWith = (cascade: CascadeState, mno: string) => {
  if (cascade.status === 'none' || !cascade.roundTargets.includes(mno)) return true;
  const status = cascade.targets.find((t) => t.mno === mno)?.status;
  return cascade.status !== 'running' && (status === 'verified' || status === 'skipped' || status === 'superseded');
};

/** For planning: per MNO, the older cascades that may still have a submission in doubt there (read once for every target). */
export const olderPerMno = async (ports: CascadePorts, tenant: string, subject: CascadeSubject, subjectCommits: readonly Commit[], own: string, mnos: readonly string[]) => {
  const older = await Promise.all(olderCascades(subject, subjectCommits, own).map(async (id) => ({ id, cascade: (await loadState(ports.store, cascadeDecider, cascadeStream(tenant, id))).state })));
  return new Map(mnos.map((mno) => [mno, older.filter((o) => !doneWith(o.cascade, mno)).map((o) => o.id)]));
};

/**
 * When the latest submission of an older change to this MNO began, if it never answered and may
 * still land (within IN_DOUBT_MS): this change waits until it can land no more, so that the newest
 * is the last the MNO gets. Undefined when nothing older is in doubt there. The older cascades are
 * those planning found (`work.older`), else read from the subject's stream.
 */
export const olderSubmissionInDoubt = async (ports: CascadePorts, work: TargetWork, subject: CascadeSubject, now: number): Promise<number | undefined> => {
  const ids = work.older ?? olderCascades(subject, (await ports.store.load(cascadeSubjectStream(work.tenant, subject))).commits, work.cascadeId);
  const began = await Promise.all(
    ids.map(async (cascadeId) => {
      const { commits } = await ports.store.load(cascadeStream(work.tenant, cascadeId));
      const cascade = stateOf(cascadeDecider, commits);
      if (cascade.status === 'none' || !cascade.roundTargets.includes(work.mno)) return undefined;
      if (cascade.status !== 'running') {
        // Ended longer ago than a submission stays in doubt (every attempt of its round began before that), or ended
        // with this MNO's target not failed (verified, skipped, superseded: answered): nothing of it is in doubt.
        if (now - Date.parse(commits.at(-1)!.metadata.time) >= IN_DOUBT_MS) return undefined;
        if (cascade.targets.find((t) => t.mno === work.mno)?.status !== 'failed') return undefined;
      }
      const { state: target } = await loadState(ports.store, targetDecider, cascadeTargetStream(work.tenant, cascadeId, cascade.round, work.mno));
      const at = target.attemptAt === undefined ? Number.NaN : Date.parse(target.attemptAt);
      return target.inDoubt && (target.status === 'applying' || target.status === 'failed') && now - at < IN_DOUBT_MS ? at : undefined;
    }),
  );
  const inDoubt = began.filter((at): at is number => at !== undefined);
  return inDoubt.length > 0 ? Math.max(...inDoubt) : undefined;
};
