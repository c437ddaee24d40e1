import * as z from '../zod-mini.ts';
import { lazySchemas } from '../events.ts';

/** What a cascade carries to the MNOs: a published policy version, or a SIM's lifecycle state. */
export const CascadeSubject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('policy'), policyId: z.string(), version: z.number().check(z.int(), z.positive()) }),
  /** `iccid`: a profile that is not the enabled one (its subscription set out of use after a switch); absent: the enabled profile. */
  z.object({ kind: z.literal('sim-state'), eid: z.string(), state: z.enum(['active', 'suspended', 'terminated', 'quarantined']), iccid: z.optional(z.string()) }),
]);
export type CascadeSubject = z.infer<typeof CascadeSubject>;

const Mno = z.object({ mno: z.string() });

const TargetOutcome = z.object({
  mno: z.string(),
  status: z.enum(['pending', 'applying', 'applied', 'verified', 'failed', 'skipped', 'superseded']),
  attempts: z.number().check(z.int(), z.nonnegative()),
  lastError: z.optional(z.string()),
  appliedAt: z.optional(z.string()),
  verifiedAt: z.optional(z.string()),
});
const At = z.string();

export const CascadeEvents = lazySchemas({
  /** `startedBy`: the actor whose change it carries (a user, or `switchboard:catch-up` for the platform's catch-up). */
  CascadeStarted: () => z.object({ cascadeId: z.string(), subject: CascadeSubject, targets: z.array(z.string()), startedBy: z.optional(z.string()) }),
  CascadeTargetSkipped: () => z.extend(Mno, { reason: z.string() }),
  /** `at`: when the submission began (absent in events recorded before it was kept). */
  CascadeTargetApplying: () => z.extend(Mno, { attempt: z.number().check(z.int(), z.positive()), at: z.optional(At) }),
  /** An asynchronous CMP took the attempt's submission as a job: a resumed round polls it instead of submitting again. */
  CascadeTargetSubmitted: () => z.extend(Mno, { attempt: z.number().check(z.int(), z.positive()), jobId: z.string() }),
  CascadeTargetApplied: () => z.extend(Mno, { at: At, jobId: z.optional(z.string()) }),
  CascadeTargetVerified: () => z.extend(Mno, { at: At }),
  CascadeTargetFailed: () => z.extend(Mno, { error: z.string(), permanent: z.boolean() }),
  /** A newer change (a later policy version, a later SIM state) took this one's place at the MNO: its own cascade carries it there. Not a failure. */
  CascadeTargetSuperseded: () => z.extend(Mno, { reason: z.string() }),
  /** One submission failed in a way worth another (e.g. an asynchronous job the MNO gave up on). */
  /** `jobFailed`: the MNO failed the job it took (it is submitted again); absent when the call failed in passing (a job under way is polled on). */
  /** `unanswered`: no answer came (a timeout): the MNO may still carry the submission out later. */
  CascadeAttemptFailed: () => z.extend(Mno, {
    attempt: z.number().check(z.int(), z.positive()),
    error: z.string(),
    jobFailed: z.optional(z.literal(true)),
    unanswered: z.optional(z.literal(true)),
  }),
  /** What an MNO enforces differs from what was applied (policy drift). Stored before as `SecurityAlertRaised`: read under this name. */
  CascadeTargetDrifted: () => z.extend(Mno, { kind: z.literal('policy-drift'), rules: z.array(z.string()), detail: z.string() }),
  /** The outcome, with each target as the round left it (absent in cascades recorded before targets had streams of their own). */
  CascadeCompleted: () => z.object({ status: z.enum(['succeeded', 'partial', 'failed', 'superseded']), targets: z.optional(z.array(TargetOutcome)) }),
  CascadeRedriven: () => z.object({ round: z.number().check(z.int(), z.positive()), targets: z.array(z.string()) }),
  /** The round's execution was gone (the process died, the execution failed or was aborted, its region was lost): it runs again under the next attempt's name, repeating no step that completed. */
  CascadeResumed: () => z.object({ round: z.number().check(z.int(), z.positive()), attempt: z.number().check(z.int(), z.positive()) }),
});

export { CASCADE_RENAMED } from './renamed.ts';

type Defs = typeof CascadeEvents;
export type CascadeEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
