import * as z from '../../domain/zod-mini.ts';
import { CascadeId } from '../../domain/policy/identifiers.ts';
import { TenantId } from '../../domain/identifiers/index.ts';
import { CascadeSubject } from '../../domain/cascade/events.ts';
import { MnoAccess } from '../../domain/mno/events.ts';

/**
 * What the cascade state machine carries from step to step (manifest/cascade.asl.json), as zod
 * schemas: each task's input is parsed against them before the step runs, so a malformed item
 * (hand-started, or from a changed definition) fails at once with the field it lacks.
 */

/** Input of the cascade state machine: which cascade of which tenant. */
export const CascadeInput = z.object({
  tenant: TenantId,
  cascadeId: CascadeId,
  /**
   * The round the execution was started for: planning and completion act only while it is the
   * cascade's current round, so a stale or repeated execution changes nothing (absent in
   * executions started before rounds were passed: then the current round).
   */
  round: z.optional(z.int().check(z.positive())),
  /**
   * The attempt of the round the execution runs (0, then one more each time the reconciler resumed
   * it): every step that changes something acts only while it is the cascade's current attempt, so
   * an older execution that is still running, or starts late, changes nothing (absent: 0).
   */
  attempt: z.optional(z.int().check(z.nonnegative())),
});
export type CascadeInput = z.infer<typeof CascadeInput>;

/** An error a Task state caught, as Step Functions passes it on (ResultPath `$.error`). */
export const CaughtError = z.object({ Error: z.string(), Cause: z.string() });

/**
 * The target's stream as the step before left it (its head and state): the next step decides on it
 * and appends after that head without reading the stream again. The conditional put still guards
 * it: when the stream has moved on (a retried step, a repeated execution), the step reads it again.
 */
export const CarriedTarget = z.object({
  version: z.int().check(z.nonnegative()),
  hash: z.string(),
  status: z.enum(['pending', 'applying', 'applied', 'verified', 'failed', 'skipped', 'superseded']),
  attempts: z.int().check(z.nonnegative()),
  attemptAt: z.optional(z.string()),
  inDoubt: z.optional(z.boolean()),
  jobId: z.optional(z.string()),
  lastError: z.optional(z.string()),
  appliedAt: z.optional(z.string()),
  verifiedAt: z.optional(z.string()),
});
export type CarriedTarget = z.infer<typeof CarriedTarget>;

/** One target's work item, carried from task to task through the Map iteration. */
export const TargetWork = z.extend(CascadeInput, {
  /** (`round`: the cascade's round this work belongs to: 1, then one more per redrive; absent in work planned before rounds were passed.) */
  mno: z.string().check(z.minLength(1)),
  /**
   * What planning read once for every step of the iteration (absent in work planned before they were
   * carried: the steps read them): the cascade's subject (it never changes); the MNO's registration as
   * planning found it (its API and credentials reference: a change reaches the next round or cascade);
   * the older cascades of the same subject that may still have a submission in doubt at this MNO (the
   * others ended with this MNO answered, for good).
   */
  subject: z.optional(CascadeSubject),
  registration: z.optional(MnoAccess),
  older: z.optional(z.array(CascadeId).check(z.maxLength(3))),
  /** A policy's: where this version's PolicyPublished is in the policy's stream (a newer version can only come after it). */
  publishedAt: z.optional(z.int().check(z.positive())),
  /**
   * Where the cascade's stream and its subject's (the policy's, the SIM's) stood when planning read
   * them: a step that finds, in one read, that neither moved past them knows the cascade is still as
   * planned and no newer change came, without reading either again.
   */
  heads: z.optional(z.object({ cascade: z.int().check(z.nonnegative()), subject: z.int().check(z.nonnegative()) })),
  target: z.optional(CarriedTarget),
  done: z.optional(z.boolean()),
  jobId: z.optional(z.nullable(z.string())),
  polls: z.optional(z.int().check(z.nonnegative())),
  /** The MNO failed the job for a passing reason: submit it again. */
  resubmit: z.optional(z.boolean()),
  /** The target's round had already ended (a repeated execution): nothing more is done for it. */
  finished: z.optional(z.boolean()),
  error: z.optional(CaughtError),
});
export type TargetWork = z.infer<typeof TargetWork>;

/** What each target's iteration ended with (the Map's results): its MNO and, when its last step appended, its target as that left it. */
export const IterationResult = z.looseObject({ mno: z.string().check(z.minLength(1)), target: z.optional(CarriedTarget) });

/** How a target's iteration ends when its last step is VerifyOnMno, or a step that read the MNO back at once (`verified`): slim, as the Map gathers one per target. */
export interface TargetEnd {
  tenant: string;
  cascadeId: string;
  round?: number | undefined;
  mno: string;
  verified: boolean;
  target?: CarriedTarget;
}

/** CompleteCascade's input: the cascade, the Map's results, and the error when planning or the Map failed. */
export const CompletionInput = z.extend(CascadeInput, { results: z.optional(z.array(IterationResult)), error: z.optional(CaughtError) });
export type CompletionInput = z.infer<typeof CompletionInput>;
