import * as z from 'zod';

/** What a cascade carries to the MNOs: a published policy version, or a SIM's lifecycle state. */
export const CascadeSubject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('policy'), policyId: z.string(), version: z.number().int().positive() }),
  /** `iccid`: a profile that is not the enabled one (its subscription set out of use after a switch); absent: the enabled profile. */
  z.object({ kind: z.literal('sim-state'), eid: z.string(), state: z.enum(['active', 'suspended', 'terminated', 'quarantined']), iccid: z.string().optional() }),
]);
export type CascadeSubject = z.infer<typeof CascadeSubject>;

const Mno = z.object({ mno: z.string() });

const TargetOutcome = z.object({
  mno: z.string(),
  status: z.enum(['pending', 'applying', 'applied', 'verified', 'failed', 'skipped', 'superseded']),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  appliedAt: z.string().optional(),
  verifiedAt: z.string().optional(),
});
const At = z.string();

export const CascadeEvents = {
  /** `startedBy`: the actor whose change it carries (a user, or `switchboard:catch-up` for the platform's catch-up). */
  CascadeStarted: z.object({ cascadeId: z.string(), subject: CascadeSubject, targets: z.array(z.string()), startedBy: z.string().optional() }),
  CascadeTargetSkipped: Mno.extend({ reason: z.string() }),
  /** `at`: when the submission began (absent in events recorded before it was kept). */
  CascadeTargetApplying: Mno.extend({ attempt: z.number().int().positive(), at: At.optional() }),
  /** An asynchronous CMP took the attempt's submission as a job: a resumed round polls it instead of submitting again. */
  CascadeTargetSubmitted: Mno.extend({ attempt: z.number().int().positive(), jobId: z.string() }),
  CascadeTargetApplied: Mno.extend({ at: At, jobId: z.string().optional() }),
  CascadeTargetVerified: Mno.extend({ at: At }),
  CascadeTargetFailed: Mno.extend({ error: z.string(), permanent: z.boolean() }),
  /** A newer change (a later policy version, a later SIM state) took this one's place at the MNO: its own cascade carries it there. Not a failure. */
  CascadeTargetSuperseded: Mno.extend({ reason: z.string() }),
  /** One submission failed in a way worth another (e.g. an asynchronous job the MNO gave up on). */
  /** `jobFailed`: the MNO failed the job it took (it is submitted again); absent when the call failed in passing (a job under way is polled on). */
  /** `unanswered`: no answer came (a timeout): the MNO may still carry the submission out later. */
  CascadeAttemptFailed: Mno.extend({ attempt: z.number().int().positive(), error: z.string(), jobFailed: z.literal(true).optional(), unanswered: z.literal(true).optional() }),
  /** What an MNO enforces differs from what was applied (policy drift). Stored before as `SecurityAlertRaised`: read under this name. */
  CascadeTargetDrifted: Mno.extend({ kind: z.literal('policy-drift'), rules: z.array(z.string()), detail: z.string() }),
  /** The outcome, with each target as the round left it (absent in cascades recorded before targets had streams of their own). */
  CascadeCompleted: z.object({ status: z.enum(['succeeded', 'partial', 'failed', 'superseded']), targets: z.array(TargetOutcome).optional() }),
  CascadeRedriven: z.object({ round: z.number().int().positive(), targets: z.array(z.string()) }),
  /** The round's execution was gone (the process died, the execution failed or was aborted, its region was lost): it runs again under the next attempt's name, repeating no step that completed. */
  CascadeResumed: z.object({ round: z.number().int().positive(), attempt: z.number().int().positive() }),
} as const;

export { CASCADE_RENAMED } from './renamed.ts';

type Defs = typeof CascadeEvents;
export type CascadeEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
