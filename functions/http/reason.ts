import * as z from '../../domain/zod-mini.ts';

/** The optional body of a command that only takes a reason. */
export const WithReason = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(500))) });
