import * as z from '../../domain/zod-mini.ts';
import { CascadeSubject } from '../../domain/cascade/events.ts';
import { CascadeId } from '../../domain/policy/identifiers.ts';

/**
 * The cascades as the API answers them (the OpenAPI document's, and the view's return type). Not
 * bundled into a function: the view imports only its type.
 */
const TARGET_STATUSES = ['pending', 'applying', 'applied', 'verified', 'failed', 'skipped', 'superseded'] as const;

/** How far one MNO got in the cascade (its latest round). */
export const CascadeTarget = z.strictObject({
  mno: z.string(),
  status: z.enum(TARGET_STATUSES),
  /** Submissions in its latest round. */
  attempts: z.int().check(z.nonnegative()),
  /** Why the latest attempt failed, or why it was skipped or superseded. */
  lastError: z.nullable(z.string()),
  appliedAt: z.nullable(z.string()),
  verifiedAt: z.nullable(z.string()),
});

/** A cascade: what it carries (`subject`), to which MNOs, how far each got. */
export const Cascade = z.strictObject({
  id: CascadeId,
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'superseded']),
  subject: CascadeSubject,
  /** Who started it (absent in cascades recorded before it was kept). */
  startedBy: z.nullable(z.string()),
  round: z.int().check(z.positive()),
  targets: z.array(CascadeTarget),
  version: z.int(),
});

const Count = z.optional(z.int().check(z.positive()));

/** A page of cascades from the read model: each with its targets counted per status, when it started and when its row last changed. */
export const CascadePage = z.strictObject({
  items: z.array(
    z.extend(Cascade, {
      /** How many targets are in each status (a status no target is in is left out). */
      summary: z.strictObject({ pending: Count, applying: Count, applied: Count, verified: Count, failed: Count, skipped: Count, superseded: Count }),
      startedAt: z.string(),
      updatedAt: z.string(),
    }),
  ),
  nextCursor: z.optional(z.string()),
});
